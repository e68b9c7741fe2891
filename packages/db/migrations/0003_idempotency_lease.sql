ALTER TABLE `idempotency_keys` ADD `holder` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `lease_expires_at` integer;