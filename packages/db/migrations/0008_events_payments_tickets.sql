CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`venue_name` text,
	`address` text,
	`lat` real,
	`lng` real,
	`time_zone` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`capacity` integer,
	`capacity_used` integer DEFAULT 0 NOT NULL,
	`currency` text NOT NULL,
	`categories` text NOT NULL,
	`image_urls` text NOT NULL,
	`contact_name` text,
	`contact_email` text,
	`hold_minutes` integer DEFAULT 10 NOT NULL,
	`created_by_user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`published_at` integer,
	`cancelled_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "events_window_ordered" CHECK("events"."ends_at" > "events"."starts_at"),
	CONSTRAINT "events_capacity_used" CHECK("events"."capacity_used" >= 0 AND ("events"."capacity" IS NULL OR "events"."capacity_used" <= "events"."capacity")),
	CONSTRAINT "events_hold_minutes" CHECK("events"."hold_minutes" BETWEEN 1 AND 60)
);
--> statement-breakpoint
CREATE INDEX `events_org_created` ON `events` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_org_starts` ON `events` (`org_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`order_id` text NOT NULL,
	`ticket_type_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_type_id`) REFERENCES `ticket_types`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_lines_quantity" CHECK("order_lines"."quantity" >= 1 AND "order_lines"."unit_price" >= 0)
);
--> statement-breakpoint
CREATE INDEX `order_lines_order` ON `order_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`status` text NOT NULL,
	`buyer_name` text NOT NULL,
	`buyer_email` text NOT NULL,
	`total` integer NOT NULL,
	`currency` text NOT NULL,
	`quantity` integer NOT NULL,
	`confirmation_code` text NOT NULL,
	`expires_at` integer NOT NULL,
	`release_token` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`paid_at` integer,
	`cancelled_at` integer,
	`payment_intent_id` text,
	`amount_refunded` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "orders_total" CHECK("orders"."total" >= 0 AND "orders"."quantity" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_confirmation_code` ON `orders` (`confirmation_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_payment_intent` ON `orders` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `orders_event_created` ON `orders` (`event_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_event_pending` ON `orders` (`event_id`,`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `orders_org_created` ON `orders` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `quotas` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`used` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "quotas_used_within_size" CHECK("quotas"."used" >= 0 AND "quotas"."used" <= "quotas"."size")
);
--> statement-breakpoint
CREATE INDEX `quotas_event` ON `quotas` (`event_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ticket_type_quotas` (
	`org_id` text NOT NULL,
	`quota_id` text NOT NULL,
	`ticket_type_id` text NOT NULL,
	PRIMARY KEY(`quota_id`, `ticket_type_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`quota_id`) REFERENCES `quotas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_type_id`) REFERENCES `ticket_types`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_type_quotas_type` ON `ticket_type_quotas` (`ticket_type_id`);--> statement-breakpoint
CREATE TABLE `ticket_types` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`price` integer NOT NULL,
	`currency` text NOT NULL,
	`quantity` integer,
	`quantity_used` integer DEFAULT 0 NOT NULL,
	`min_per_order` integer DEFAULT 1 NOT NULL,
	`max_per_order` integer DEFAULT 10 NOT NULL,
	`sales_start_at` integer,
	`sales_end_at` integer,
	`hidden` integer DEFAULT false NOT NULL,
	`access_code` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "ticket_types_quantity_used" CHECK("ticket_types"."quantity_used" >= 0 AND ("ticket_types"."quantity" IS NULL OR "ticket_types"."quantity_used" <= "ticket_types"."quantity")),
	CONSTRAINT "ticket_types_price" CHECK("ticket_types"."price" >= 0),
	CONSTRAINT "ticket_types_per_order" CHECK("ticket_types"."min_per_order" >= 1 AND "ticket_types"."max_per_order" >= "ticket_types"."min_per_order")
);
--> statement-breakpoint
CREATE INDEX `ticket_types_event` ON `ticket_types` (`event_id`,`sort_order`,`created_at`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`order_id` text NOT NULL,
	`ticket_type_id` text NOT NULL,
	`code` text NOT NULL,
	`status` text DEFAULT 'valid' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_type_id`) REFERENCES `ticket_types`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_code` ON `tickets` (`code`);--> statement-breakpoint
CREATE INDEX `tickets_order` ON `tickets` (`order_id`);--> statement-breakpoint
CREATE INDEX `tickets_event` ON `tickets` (`event_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `payment_events` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL
);
