/** The places domain's error codes (see ERROR_CODES). A code once shipped is never renamed. */
export const PLACE_ERROR_CODES = [
  "place_inactive",
  "place_closed",
  "place_full",
  "window_too_far_ahead",
  "booking_too_late",
  "slot_misaligned",
  "invalid_booking_transition",
  "booking_not_ended",
  "review_requires_completed_booking",
  "already_reviewed",
  "review_not_pending",
  "invalid_phone",
  "extension_pending",
  "window_not_extended",
  "quote_expired",
  "quote_invalid",
] as const;
