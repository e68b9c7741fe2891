CREATE TABLE `email_suppression_lifts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`scope` text NOT NULL,
	`address` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text,
	`suppressed_at` integer NOT NULL,
	`lifted_by` text NOT NULL,
	`lifted_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `email_suppression_lifts_org` ON `email_suppression_lifts` (`org_id`,`lifted_at`);--> statement-breakpoint
ALTER TABLE `notification_deliveries` ADD `notification_id` text;--> statement-breakpoint
CREATE INDEX `notification_deliveries_notification` ON `notification_deliveries` (`org_id`,`notification_id`);--> statement-breakpoint
UPDATE `notification_deliveries` SET `notification_id` = `source_id` WHERE `notification_id` IS NULL;--> statement-breakpoint
CREATE TRIGGER `outbox_delivery_queued` AFTER INSERT ON `outbox`
WHEN NEW.`kind` IN ('email', 'sms', 'push', 'notify')
BEGIN
  INSERT OR IGNORE INTO `notification_deliveries` (`id`, `org_id`, `source_id`, `notification_id`, `channel`, `to`, `template`, `status`, `provider`, `attempts`, `created_at`, `updated_at`)
  VALUES (
    'dlv_' || lower(hex(randomblob(10))),
    NEW.`org_id`,
    NEW.`id`,
    CASE WHEN NEW.`kind` = 'notify' THEN NEW.`id` ELSE coalesce(json_extract(NEW.`payload`, '$.notification'), NEW.`id`) END,
    CASE WHEN NEW.`kind` = 'notify' THEN 'inbox' ELSE NEW.`kind` END,
    CASE NEW.`kind`
      WHEN 'notify' THEN coalesce(json_extract(NEW.`payload`, '$.subjectId'), '')
      WHEN 'push' THEN coalesce((SELECT substr(`rest`, 1, instr(`rest` || '/', '/') - 1) FROM (SELECT substr(`endpoint`, instr(`endpoint`, '://') + 3) AS `rest` FROM `push_subscriptions` WHERE `id` = json_extract(NEW.`payload`, '$.subscriptionId'))), 'push')
      ELSE coalesce(json_extract(NEW.`payload`, '$.to'), '')
    END,
    coalesce(json_extract(NEW.`payload`, CASE WHEN NEW.`kind` = 'notify' THEN '$.kind' ELSE '$.template' END), ''),
    'queued',
    'none',
    0,
    NEW.`created_at`,
    NEW.`created_at`
  );
END;
