/** Error codes of the webhooks and uploads platform. */
export const WEBHOOK_ERROR_CODES = ["webhook_url_not_allowed", "unknown_event_type", "webhook_delivery_not_found"] as const;
