CREATE TABLE `calendar_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`notes` text DEFAULT '' NOT NULL,
	`time_zone` text NOT NULL,
	`search_text` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calendar_clients_org_created` ON `calendar_clients` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `calendar_connections` (
	`client_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`app` text NOT NULL,
	`oauth_client_id` text,
	`oauth_client_secret_enc` text,
	`scopes` text NOT NULL,
	`status` text NOT NULL,
	`granted_scopes` text NOT NULL,
	`account_email` text,
	`access_token_enc` text,
	`refresh_token_enc` text,
	`expires_at` integer,
	`token_version` integer DEFAULT 0 NOT NULL,
	`refresh_lease_until` integer,
	`invalid_reason` text,
	`connected_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `calendar_clients`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `calendar_oauth_states` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`client_id` text NOT NULL,
	`issued_to` text NOT NULL,
	`code_verifier_enc` text NOT NULL,
	`return_to` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `calendar_clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `calendar_oauth_states_expires` ON `calendar_oauth_states` (`expires_at`);--> statement-breakpoint
CREATE TABLE `calendar_sync_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`client_id` text NOT NULL,
	`calendar_id` text NOT NULL,
	`source_type` text NOT NULL,
	`source_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `calendar_clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_sync_rules_target` ON `calendar_sync_rules` (`client_id`,`calendar_id`,`source_type`,`source_id`);--> statement-breakpoint
CREATE INDEX `calendar_sync_rules_source` ON `calendar_sync_rules` (`org_id`,`source_type`,`source_id`);--> statement-breakpoint
CREATE TABLE `calendar_synced_items` (
	`rule_id` text NOT NULL,
	`item_id` text NOT NULL,
	`google_event_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`rule_id`, `item_id`),
	FOREIGN KEY (`rule_id`) REFERENCES `calendar_sync_rules`(`id`) ON UPDATE no action ON DELETE cascade
);
