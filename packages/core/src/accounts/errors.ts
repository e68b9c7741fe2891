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
  "sso_not_configured",
  "sso_state_invalid",
  "sso_provider_error",
  "sso_token_invalid",
  "sso_email_unverified",
  "sso_no_account",
] as const;
