CREATE TABLE `waitlist_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`ticket_type_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`order_id` text,
	`offered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_type_id`) REFERENCES `ticket_types`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "waitlist_quantity" CHECK("waitlist_entries"."quantity" >= 1)
);
--> statement-breakpoint
CREATE INDEX `waitlist_type_status` ON `waitlist_entries` (`ticket_type_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `waitlist_event` ON `waitlist_entries` (`event_id`,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `waitlist_live_email` ON `waitlist_entries` (`ticket_type_id`,`email`) WHERE status IN ('waiting', 'offered');