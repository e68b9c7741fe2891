ALTER TABLE `place_reviews` ADD `reply` text;--> statement-breakpoint
ALTER TABLE `place_reviews` ADD `replied_at` integer;