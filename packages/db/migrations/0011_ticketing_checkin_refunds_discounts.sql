CREATE TABLE `checkin_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`ticket_type_ids` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `checkin_lists_event` ON `checkin_lists` (`event_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `checkins` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`list_id` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`checked_in_at` integer NOT NULL,
	`checked_in_by` text NOT NULL,
	`undone_at` integer,
	`undone_by` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`list_id`) REFERENCES `checkin_lists`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkins_live` ON `checkins` (`list_id`,`target_type`,`target_id`) WHERE undone_at IS NULL;--> statement-breakpoint
CREATE INDEX `checkins_list` ON `checkins` (`list_id`,`checked_in_at`);--> statement-breakpoint
CREATE INDEX `checkins_target` ON `checkins` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `discount_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`ticket_type_ids` text,
	`max_uses` integer,
	`used` integer DEFAULT 0 NOT NULL,
	`valid_from` integer,
	`valid_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "discount_codes_used" CHECK("discount_codes"."used" >= 0 AND ("discount_codes"."max_uses" IS NULL OR "discount_codes"."used" <= "discount_codes"."max_uses")),
	CONSTRAINT "discount_codes_value" CHECK("discount_codes"."value" >= 1 AND ("discount_codes"."kind" <> 'percent' OR "discount_codes"."value" <= 100))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `discount_codes_event_code` ON `discount_codes` (`event_id`,`code`);--> statement-breakpoint
CREATE TABLE `order_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`order_id` text NOT NULL,
	`amount` integer NOT NULL,
	`status` text NOT NULL,
	`provider_refund_id` text,
	`reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "order_refunds_amount" CHECK("order_refunds"."amount" >= 1)
);
--> statement-breakpoint
CREATE INDEX `order_refunds_order` ON `order_refunds` (`order_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `discount_code_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `discount_code` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `discount_amount` integer DEFAULT 0 NOT NULL;