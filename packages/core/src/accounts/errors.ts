/** The accounts domain's error codes (see ERROR_CODES). A code once shipped is never renamed. */
export const ACCOUNTS_ERROR_CODES = [
  "email_taken",
  "already_member",
  "last_owner",
  "invitation_expired",
  "invitation_revoked",
  "invitation_used",
  "invitation_email_mismatch",
  "reset_link_invalid",
  "reset_link_expired",
  "reset_link_used",
] as const;
