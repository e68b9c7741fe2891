CREATE TABLE `event_rsvp` (
	`event_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`mode` text DEFAULT 'invite_only' NOT NULL,
	`capacity` integer,
	`seats_used` integer DEFAULT 0 NOT NULL,
	`max_plus_ones` integer DEFAULT 0 NOT NULL,
	`deadline` integer,
	`invitation_url` text,
	`questions` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "event_rsvp_seats" CHECK("event_rsvp"."seats_used" >= 0 AND ("event_rsvp"."capacity" IS NULL OR "event_rsvp"."seats_used" <= "event_rsvp"."capacity")),
	CONSTRAINT "event_rsvp_plus_ones" CHECK("event_rsvp"."max_plus_ones" BETWEEN 0 AND 20)
);
--> statement-breakpoint
CREATE TABLE `event_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`room` text,
	`track` text,
	`speakers` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "event_sessions_window" CHECK("event_sessions"."ends_at" > "event_sessions"."starts_at")
);
--> statement-breakpoint
CREATE INDEX `event_sessions_event` ON `event_sessions` (`event_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `guest_rsvp_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`guest_id` text NOT NULL,
	`status` text NOT NULL,
	`plus_ones` integer NOT NULL,
	`plus_one_names` text NOT NULL,
	`by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`guest_id`) REFERENCES `guests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `guest_rsvp_changes_guest` ON `guest_rsvp_changes` (`guest_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `guests` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`phone` text,
	`tags` text NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`max_plus_ones` integer,
	`status` text NOT NULL,
	`plus_ones` integer DEFAULT 0 NOT NULL,
	`plus_one_names` text NOT NULL,
	`answers` text DEFAULT '{}' NOT NULL,
	`waitlisted_at` integer,
	`write_id` text,
	`token_version` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`invited_at` integer,
	`responded_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "guests_plus_ones" CHECK("guests"."plus_ones" BETWEEN 0 AND 20)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `guests_event_email` ON `guests` (`event_id`,`email`);--> statement-breakpoint
CREATE INDEX `guests_event_created` ON `guests` (`event_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `guests_event_waitlist` ON `guests` (`event_id`,`status`,`waitlisted_at`);--> statement-breakpoint
CREATE INDEX `guests_write` ON `guests` (`write_id`);