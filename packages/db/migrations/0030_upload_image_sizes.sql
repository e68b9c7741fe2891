ALTER TABLE `uploads` ADD `width` integer;--> statement-breakpoint
ALTER TABLE `uploads` ADD `height` integer;--> statement-breakpoint
ALTER TABLE `uploads` ADD `variant_widths` text DEFAULT '[]' NOT NULL;