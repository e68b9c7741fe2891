/** The accounts domain's error codes (see ERROR_CODES). A code once shipped is never renamed. */
export const ACCOUNTS_ERROR_CODES = ["email_taken", "already_member", "last_owner"] as const;
