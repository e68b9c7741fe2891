ALTER TABLE `calendar_connections` ADD `quota_day` text;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `quota_calls` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `quota_rate_limited` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `quota_backoffs` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `calendar_connections` ADD `quota_last_rate_limited_at` integer;