CREATE TABLE `place_bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`place_id` text NOT NULL,
	`status` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`occupied_until` integer NOT NULL,
	`price` integer NOT NULL,
	`currency` text NOT NULL,
	`vehicle_plate` text,
	`contact_name` text NOT NULL,
	`contact_email` text,
	`contact_phone` text,
	`participant_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`cancelled_at` integer,
	`completed_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "place_bookings_window" CHECK("place_bookings"."ends_at" > "place_bookings"."starts_at" AND "place_bookings"."occupied_until" >= "place_bookings"."ends_at")
);
--> statement-breakpoint
CREATE INDEX `place_bookings_org_created` ON `place_bookings` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `place_bookings_place_start` ON `place_bookings` (`place_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `place_bookings_participant` ON `place_bookings` (`participant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `place_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`place_id` text NOT NULL,
	`booking_id` text NOT NULL,
	`participant_id` text NOT NULL,
	`author_name` text NOT NULL,
	`rating` integer NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`moderation_reason` text,
	`created_at` integer NOT NULL,
	`moderated_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`place_id`) REFERENCES `places`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`booking_id`) REFERENCES `place_bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "place_reviews_rating" CHECK("place_reviews"."rating" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `place_reviews_booking` ON `place_reviews` (`booking_id`);--> statement-breakpoint
CREATE INDEX `place_reviews_place_status` ON `place_reviews` (`place_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `place_reviews_org_created` ON `place_reviews` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `places` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`address` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`time_zone` text NOT NULL,
	`capacity` integer NOT NULL,
	`currency` text NOT NULL,
	`price_mode` text NOT NULL,
	`price` integer NOT NULL,
	`daily_max` integer,
	`opening_hours` text,
	`features` text NOT NULL,
	`images` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`slot_minutes` integer,
	`buffer_minutes` integer DEFAULT 0 NOT NULL,
	`horizon_days` integer NOT NULL,
	`lead_minutes` integer NOT NULL,
	`review_moderation` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "places_capacity_positive" CHECK("places"."capacity" >= 1),
	CONSTRAINT "places_slot_priced" CHECK(("places"."price_mode" = 'slot') = ("places"."slot_minutes" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `places_org_created` ON `places` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `places_org_lat_lng` ON `places` (`org_id`,`lat`,`lng`);