ALTER TABLE `plan_participants` ADD `calendar_token` text;--> statement-breakpoint
UPDATE `plan_participants` SET `calendar_token` = lower(hex(randomblob(20))) WHERE `removed_at` IS NULL;