CREATE TABLE `session_signups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`session_id` text NOT NULL,
	`guest_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `event_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`guest_id`) REFERENCES `guests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_signups_pick` ON `session_signups` (`session_id`,`guest_id`);--> statement-breakpoint
CREATE INDEX `session_signups_guest` ON `session_signups` (`guest_id`);--> statement-breakpoint
ALTER TABLE `checkin_lists` ADD `admits_guests` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `event_rsvp` ADD `reminders` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `event_sessions` ADD `capacity` integer;--> statement-breakpoint
ALTER TABLE `event_sessions` ADD `signed_up` integer DEFAULT 0 NOT NULL;