/**
 * What a personal invite's email may quote: it is the notifications platform's plan_invite
 * template, whose subject is fixed (a caller cannot choose it); the plan's free text (its title)
 * goes in as plain text on one line, cut to a length, and the only link is the join link, whose
 * origin the organization allows (checked by `createInvite`).
 */
export { PLAN_INVITE_SUBJECT as INVITE_EMAIL_SUBJECT } from "../../../platform/notifications/templates.js";

/** Longest plan title the email quotes; a longer one is cut with an ellipsis. */
export const INVITE_EMAIL_TITLE_MAX = 120;

/** Free text for one line of a plain-text email: whitespace runs (line breaks too) become one space, cut to `max`. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
