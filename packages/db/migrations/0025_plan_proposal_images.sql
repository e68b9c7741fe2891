ALTER TABLE `plans` ADD `image_urls` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `proposals` ADD `image_urls` text DEFAULT '[]' NOT NULL;