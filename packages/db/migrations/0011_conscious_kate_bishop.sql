ALTER TABLE `event_rsvp` ADD `questions` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `guests` ADD `answers` text DEFAULT '{}' NOT NULL;