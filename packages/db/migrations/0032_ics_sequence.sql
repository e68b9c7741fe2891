ALTER TABLE `events` ADD `ics_sequence` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `event_sessions` ADD `ics_sequence` integer DEFAULT 0 NOT NULL;