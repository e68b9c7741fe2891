CREATE TABLE `email_suppressions` (
	`scope` text NOT NULL,
	`address` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text,
	`delivery_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `address`)
);
