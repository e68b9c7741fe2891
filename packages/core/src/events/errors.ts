/** The events domain's error codes (see ERROR_CODES). A code once shipped is never renamed. */
export const EVENT_ERROR_CODES = [
  "invalid_event_transition",
  "event_not_on_sale",
  "event_has_sales",
  "ticket_currency_mismatch",
  "unknown_ticket_type",
  "ticket_type_not_on_sale",
  "access_code_required",
  "order_quantity_out_of_range",
  "sold_out",
  "order_not_pending",
  "hold_expired",
  "payment_provider_error",
] as const;
