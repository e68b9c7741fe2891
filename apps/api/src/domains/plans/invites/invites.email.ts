/**
 * The one email a personal invite sends, built from this template only: the subject is fixed
 * (a caller cannot choose it), the plan's free text (its title) is plain text on one line, cut
 * to a length, and the only link is the join link, whose origin the organization allows
 * (checked by `createInvite`).
 */
export const INVITE_EMAIL_SUBJECT = "You're invited to join a plan";

/** Longest plan title the email quotes; a longer one is cut with an ellipsis. */
export const INVITE_EMAIL_TITLE_MAX = 120;

/** Free text for one line of a plain-text email: whitespace runs (line breaks too) become one space, cut to `max`. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

export interface InviteEmailInput {
  planTitle: string;
  startDate: string | null;
  endDate: string | null;
  link: string;
  expiresAt: string | null;
}

export function inviteEmail(input: InviteEmailInput): { subject: string; text: string } {
  const when =
    input.startDate !== null
      ? `When: ${input.startDate}${input.endDate !== null && input.endDate !== input.startDate ? ` to ${input.endDate}` : ""}`
      : "";
  return {
    subject: INVITE_EMAIL_SUBJECT,
    text: [
      `You're invited to join the plan "${oneLine(input.planTitle, INVITE_EMAIL_TITLE_MAX)}".`,
      when,
      `Join here: ${input.link}`,
      input.expiresAt !== null ? `This invitation expires on ${input.expiresAt}.` : "",
      "If you did not expect this invitation, ignore this email: nothing happens unless you follow the link.",
    ]
      .filter(Boolean)
      .join("\n\n"),
  };
}
