/** The calendars domain's error codes (see ERROR_CODES). A code once shipped is never renamed. */
export const CALENDAR_ERROR_CODES = [
  /** The server has no CALENDAR_TOKEN_KEY (or no Google app for the platform default): connections cannot be made. */
  "calendars_not_configured",
  /** The client has no Google connection yet (or it was disconnected): connect it first. */
  "calendar_not_connected",
  /** Google refused the connection's refresh token (revoked, expired): connect the client again. */
  "calendar_connection_invalid",
  /** The OAuth `state` is not one this API issued, or was issued to someone else. */
  "oauth_state_invalid",
  /** The OAuth `state` is older than its lifetime: start the connection again. */
  "oauth_state_expired",
  /** The OAuth `state` was already used by a callback: a replay. */
  "oauth_state_used",
  /** Google answered the consent with an error (the organizer declined) or refused the code. */
  "oauth_denied",
  /** The connection may not write to this calendar (its access role is reader or freeBusyReader). */
  "calendar_not_writable",
  /** Google's quota for this connection is spent for now: retry after `Retry-After`. */
  "calendar_rate_limited",
  /** Google did not answer or answered with a server error: nothing was changed, retry. */
  "calendar_unavailable",
  /** Google refused the request as invalid (its reason is in `detail`). */
  "calendar_rejected",
  /** The calendar event was deleted at Google. */
  "calendar_event_gone",
  /** The calendar feed URL was revoked or replaced (rotated): ask for the new URL. */
  "calendar_feed_revoked",
  /** The .ics file is not valid iCalendar (RFC 5545); `detail` names the line. */
  "ics_invalid",
] as const;
