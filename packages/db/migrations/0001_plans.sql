CREATE TABLE `chat_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`author_participant_id` text NOT NULL,
	`body` text,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	`deleted_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `chat_messages_plan` ON `chat_messages` (`plan_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `expense_shares` (
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`expense_id` text NOT NULL,
	`participant_id` text NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`expense_id`, `participant_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`expense_id`) REFERENCES `expenses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "expense_shares_amount_non_negative" CHECK("expense_shares"."amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX `expense_shares_plan_participant` ON `expense_shares` (`plan_id`,`participant_id`);--> statement-breakpoint
CREATE TABLE `expenses` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`description` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`paid_by_participant_id` text NOT NULL,
	`proposal_id` text,
	`occurred_at` integer,
	`split` text NOT NULL,
	`recorded_by_participant_id` text,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`paid_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "expenses_amount_positive" CHECK("expenses"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `expenses_plan` ON `expenses` (`plan_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`from_participant_id` text NOT NULL,
	`to_participant_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`note` text,
	`recorded_by_participant_id` text,
	`created_at` integer NOT NULL,
	`received_at` integer,
	`cancelled_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`from_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_between_two" CHECK("payments"."from_participant_id" <> "payments"."to_participant_id"),
	CONSTRAINT "payments_amount_positive" CHECK("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `payments_plan` ON `payments` (`plan_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `plan_invites` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`code` text NOT NULL,
	`email` text,
	`max_uses` integer,
	`uses` integer DEFAULT 0 NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`created_by_participant_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "plan_invites_uses_within_max" CHECK("plan_invites"."uses" >= 0 AND ("plan_invites"."max_uses" IS NULL OR "plan_invites"."uses" <= "plan_invites"."max_uses"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_invites_code_unique` ON `plan_invites` (`code`);--> statement-breakpoint
CREATE INDEX `plan_invites_plan` ON `plan_invites` (`plan_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `plan_participants` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`participant_id` text NOT NULL,
	`role` text NOT NULL,
	`invite_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`removed_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_participants_plan_participant` ON `plan_participants` (`plan_id`,`participant_id`);--> statement-breakpoint
CREATE INDEX `plan_participants_participant` ON `plan_participants` (`participant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `plan_participants_plan_role` ON `plan_participants` (`plan_id`,`role`,`removed_at`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text DEFAULT 'planning' NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`location_name` text,
	`location_lat` real,
	`location_lng` real,
	`start_date` text,
	`end_date` text,
	`time_zone` text NOT NULL,
	`currency` text NOT NULL,
	`voting_deadline` integer,
	`hide_votes_until_deadline` integer DEFAULT false NOT NULL,
	`one_yes_per_participant` integer DEFAULT false NOT NULL,
	`created_by_participant_id` text,
	`created_by_user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finalized_at` integer,
	`completed_at` integer,
	`cancelled_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "plans_dates_ordered" CHECK("plans"."end_date" IS NULL OR ("plans"."start_date" IS NOT NULL AND "plans"."end_date" >= "plans"."start_date"))
);
--> statement-breakpoint
CREATE INDEX `plans_org_created` ON `plans` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `plans_org_status` ON `plans` (`org_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `proposal_takers` (
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`proposal_id` text NOT NULL,
	`participant_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`proposal_id`, `participant_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `proposal_takers_plan_participant` ON `proposal_takers` (`plan_id`,`participant_id`);--> statement-breakpoint
CREATE TABLE `proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`url` text,
	`starts_at` integer,
	`ends_at` integer,
	`cost_kind` text,
	`cost_amount` integer,
	`cost_currency` text,
	`capacity` integer,
	`taken_count` integer DEFAULT 0 NOT NULL,
	`paid_by_participant_id` text,
	`status` text DEFAULT 'proposed' NOT NULL,
	`created_by_participant_id` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`paid_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "proposals_taken_within_capacity" CHECK("proposals"."taken_count" >= 0 AND ("proposals"."capacity" IS NULL OR "proposals"."taken_count" <= "proposals"."capacity")),
	CONSTRAINT "proposals_cost_complete" CHECK(("proposals"."cost_kind" IS NULL AND "proposals"."cost_amount" IS NULL AND "proposals"."cost_currency" IS NULL) OR ("proposals"."cost_kind" IS NOT NULL AND "proposals"."cost_amount" > 0 AND "proposals"."cost_currency" IS NOT NULL)),
	CONSTRAINT "proposals_window_ordered" CHECK("proposals"."ends_at" IS NULL OR ("proposals"."starts_at" IS NOT NULL AND "proposals"."ends_at" > "proposals"."starts_at"))
);
--> statement-breakpoint
CREATE INDEX `proposals_plan` ON `proposals` (`plan_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `votes` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`proposal_id` text NOT NULL,
	`participant_id` text NOT NULL,
	`value` text NOT NULL,
	`yes_lock` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `votes_yes_lock_unique` ON `votes` (`yes_lock`);--> statement-breakpoint
CREATE UNIQUE INDEX `votes_proposal_participant` ON `votes` (`proposal_id`,`participant_id`);--> statement-breakpoint
CREATE INDEX `votes_plan_participant` ON `votes` (`plan_id`,`participant_id`);