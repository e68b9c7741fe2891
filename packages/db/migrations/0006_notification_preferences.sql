CREATE TABLE `notification_preferences` (
	`org_id` text NOT NULL,
	`recipient` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`opted_out_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `recipient`, `kind`, `channel`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
