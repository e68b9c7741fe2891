/** Error codes of the notifications platform. */
export const NOTIFICATION_ERROR_CODES = [
  "push_not_configured",
  "push_endpoint_not_allowed",
  "unsubscribe_link_invalid",
  "notification_kind_transactional",
  "notification_not_found",
  "suppression_not_found",
  "suppression_not_liftable",
] as const;
