CREATE TABLE `inbox_items` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`link` text,
	`subject_id` text,
	`read_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inbox_items_recipient` ON `inbox_items` (`org_id`,`recipient_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `local_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`channel` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`from` text NOT NULL,
	`to` text NOT NULL,
	`subject` text,
	`text` text NOT NULL,
	`html` text,
	`headers` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `local_messages_idempotency` ON `local_messages` (`channel`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `local_messages_created` ON `local_messages` (`created_at`);--> statement-breakpoint
CREATE TABLE `notification_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`source_id` text NOT NULL,
	`channel` text NOT NULL,
	`to` text NOT NULL,
	`template` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_deliveries_source_channel` ON `notification_deliveries` (`source_id`,`channel`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_org` ON `notification_deliveries` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_provider_id` ON `notification_deliveries` (`provider`,`provider_message_id`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`org_id` text NOT NULL,
	`recipient` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`opted_out_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `recipient`, `kind`, `channel`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `push_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`p256dh` text NOT NULL,
	`auth` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_endpoint` ON `push_subscriptions` (`endpoint`);--> statement-breakpoint
CREATE INDEX `push_subscriptions_recipient` ON `push_subscriptions` (`org_id`,`recipient_id`);