ALTER TABLE `outbox` ADD `order_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_order` ON `outbox` (`sent_at`,`kind`,`order_key`);--> statement-breakpoint
-- Rows still to be sent take the order key their kind's payload names (as the claim used to read it).
UPDATE `outbox` SET `order_key` = coalesce(CASE `kind`
  WHEN 'realtime' THEN json_extract(`payload`, '$.room')
  WHEN 'email' THEN json_extract(`payload`, '$.to')
  WHEN 'sms' THEN json_extract(`payload`, '$.to')
  WHEN 'task' THEN json_extract(`payload`, '$.domain') || ':' || json_extract(`payload`, '$.key')
  WHEN 'push' THEN json_extract(`payload`, '$.subscriptionId')
  WHEN 'webhook' THEN json_extract(`payload`, '$.endpointId')
  WHEN 'notify' THEN json_extract(`payload`, '$.key')
END, '') WHERE `sent_at` IS NULL;
