/** Error codes of the uploads platform. */
export const UPLOAD_ERROR_CODES = [
  "upload_too_large",
  "upload_not_received",
  "upload_mismatch",
  "upload_link_invalid",
  "upload_expired",
  "uploads_not_configured",
  "upload_attached_elsewhere",
  "image_too_large",
  "image_unreadable",
] as const;
