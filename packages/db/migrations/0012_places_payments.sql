ALTER TABLE `place_bookings` ADD `hold_expires_at` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `payment_intent_id` text;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `paid_at` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `paid_amount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `amount_refunded` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `refund_pending` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `reminder_due_at` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `reminder_sent_at` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `extension_ends_at` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `extension_occupied_until` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `extension_price` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `extension_expires_at` integer;--> statement-breakpoint
ALTER TABLE `place_bookings` ADD `extension_payment_intent_id` text;--> statement-breakpoint
CREATE INDEX `place_bookings_status_hold` ON `place_bookings` (`status`,`hold_expires_at`);--> statement-breakpoint
CREATE INDEX `place_bookings_reminder_due` ON `place_bookings` (`reminder_due_at`);--> statement-breakpoint
ALTER TABLE `places` ADD `online_payment` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `places` ADD `payment_hold_minutes` integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE `places` ADD `free_cancellation_minutes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `places` ADD `late_refund_percent` integer DEFAULT 0 NOT NULL;