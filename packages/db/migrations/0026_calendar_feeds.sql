CREATE TABLE `calendar_feeds` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`token_hash` text NOT NULL,
	`previous_token_hash` text,
	`etag` text,
	`changed_at` integer,
	`created_at` integer NOT NULL,
	`rotated_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calendar_feeds_org_created` ON `calendar_feeds` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `calendar_feeds_subject` ON `calendar_feeds` (`org_id`,`subject_type`,`subject_id`);