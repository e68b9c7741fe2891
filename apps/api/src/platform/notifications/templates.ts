/**
 * One template per notification kind, rendered per channel: the inbox (title, body), an email
 * (subject, text and HTML), an SMS (one 160-character GSM-7 segment where it fits) and a push
 * (title, body). Templates build plain strings; the HTML is made here, escaping everything a
 * user typed (a plan title, a name), and links must be http(s).
 */

export interface TemplateContent {
  title: string;
  /** Paragraphs, plain text. */
  lines: string[];
  /** The one thing to do, if any. */
  action?: { label: string; url: string };
}

interface Template<D> {
  /** Transactional messages (a receipt, a ticket) cannot be turned off; each says why. */
  transactional: false | string;
  render(data: D, locale: string): TemplateContent;
}

const when = (start?: string | null, end?: string | null) => (start ? (end && end !== start ? `${start} to ${end}` : start) : "");

/** English only for now: other locales fall back to it (the widget i18n work adds more). */
/** The subject of every personal plan invite (see plan_invite). */
export const PLAN_INVITE_SUBJECT = "You're invited to join a plan";

export const TEMPLATES = {
  plan_invite: {
    transactional: false,
    render: (d: { planTitle: string; startDate?: string | null; endDate?: string | null; link: string; expiresAt?: string | null }) => ({
      // A fixed subject: whoever sends an invite cannot choose what the recipient's inbox shows.
      title: PLAN_INVITE_SUBJECT,
      lines: [
        `You're invited to join "${d.planTitle}".`,
        d.startDate ? `When: ${when(d.startDate, d.endDate)}` : "",
        d.expiresAt ? `This invitation expires on ${d.expiresAt}.` : "",
      ],
      action: { label: "Join the plan", url: d.link },
    }),
  } satisfies Template<{ planTitle: string; startDate?: string | null; endDate?: string | null; link: string; expiresAt?: string | null }>,
  plan_finalized: {
    transactional: false,
    render: (d: { planTitle: string; startDate?: string | null; endDate?: string | null; link?: string }) => ({
      title: `${d.planTitle} is on`,
      lines: [`The organizer finalized "${d.planTitle}".`, d.startDate ? `When: ${when(d.startDate, d.endDate)}` : ""],
      ...(d.link ? { action: { label: "Open the plan", url: d.link } } : {}),
    }),
  } satisfies Template<{ planTitle: string; startDate?: string | null; endDate?: string | null; link?: string }>,
  plan_cancelled: {
    transactional: false,
    render: (d: { planTitle: string; link?: string }) => ({
      title: `${d.planTitle} was cancelled`,
      lines: [`The organizer cancelled "${d.planTitle}".`],
      ...(d.link ? { action: { label: "Open the plan", url: d.link } } : {}),
    }),
  } satisfies Template<{ planTitle: string; link?: string }>,
  plan_voting_closes: {
    transactional: false,
    render: (d: { planTitle: string; deadline: string; link?: string }) => ({
      title: `Voting on ${d.planTitle} closes soon`,
      lines: [`Voting on "${d.planTitle}" closes at ${d.deadline}.`, "Cast or change your votes before then."],
      ...(d.link ? { action: { label: "Vote now", url: d.link } } : {}),
    }),
  } satisfies Template<{ planTitle: string; deadline: string; link?: string }>,
  event_reminder: {
    transactional: false,
    render: (d: { eventTitle: string; startsAt: string; venue?: string | null; link?: string }) => ({
      title: `Reminder: ${d.eventTitle}`,
      lines: [`${d.eventTitle} starts ${d.startsAt}.`, d.venue ? `Where: ${d.venue}` : ""],
      ...(d.link ? { action: { label: "Your invitation", url: d.link } } : {}),
    }),
  } satisfies Template<{ eventTitle: string; startsAt: string; venue?: string | null; link?: string }>,
  event_changed: {
    transactional: "it keeps an event you said you attend up to date in your calendar",
    render: (d: { eventTitle: string; startsAt: string; venue?: string | null }) => ({
      title: `Updated: ${d.eventTitle}`,
      lines: [
        `The organizer changed ${d.eventTitle}: it is now on ${d.startsAt}${d.venue ? ` at ${d.venue}` : ""}.`,
        "The attached invitation updates it in your calendar.",
      ],
    }),
  } satisfies Template<{ eventTitle: string; startsAt: string; venue?: string | null }>,
  event_cancelled: {
    transactional: "it tells you an event you said you attend was cancelled",
    render: (d: { eventTitle: string; startsAt: string }) => ({
      title: `Cancelled: ${d.eventTitle}`,
      lines: [`${d.eventTitle} (${d.startsAt}) was cancelled.`, "The attached cancellation removes it from your calendar."],
    }),
  } satisfies Template<{ eventTitle: string; startsAt: string }>,
  session_changed: {
    transactional: false,
    render: (d: { sessionTitle: string; eventTitle: string; startsAt: string; room?: string | null }) => ({
      title: `Agenda change: ${d.sessionTitle}`,
      lines: [`"${d.sessionTitle}" at ${d.eventTitle} changed: it is now on ${d.startsAt}${d.room ? ` in ${d.room}` : ""}.`],
    }),
  } satisfies Template<{ sessionTitle: string; eventTitle: string; startsAt: string; room?: string | null }>,
  session_cancelled: {
    transactional: false,
    render: (d: { sessionTitle: string; eventTitle: string; startsAt: string }) => ({
      title: `Cancelled: ${d.sessionTitle}`,
      lines: [`"${d.sessionTitle}" at ${d.eventTitle} (${d.startsAt}) was cancelled; it is no longer on your agenda.`],
    }),
  } satisfies Template<{ sessionTitle: string; eventTitle: string; startsAt: string }>,
  calendar_connection_invalid: {
    transactional: "it tells you that a calendar connection you set up stopped working, and how to fix it",
    render: (d: { clientName: string; clientId: string; link?: string }) => ({
      title: `Reconnect ${d.clientName}'s Google Calendar`,
      lines: [
        `Google no longer accepts ${d.clientName}'s calendar connection (it was revoked or expired), so nothing is sent to their calendars.`,
        `Connect it again from the client's page (POST /v1/clients/${d.clientId}/connection/authorize).`,
      ],
      ...(d.link ? { action: { label: "Reconnect", url: d.link } } : {}),
    }),
  } satisfies Template<{ clientName: string; clientId: string; link?: string }>,
} as const;

export type NotificationKind = keyof typeof TEMPLATES;

/**
 * Kinds another domain renders itself (its own wording, written straight to the outbox as email
 * or SMS rows) but that people still see in their preferences: whether each can be turned off,
 * and why not. The deliverer honours the preference when it sends each row.
 */
export const DOMAIN_RENDERED_KINDS = {
  place_booking_confirmed: { transactional: "it confirms a booking you made" },
  place_booking_cancelled: { transactional: "it tells you a booking you made was cancelled" },
  place_booking_extended: { transactional: "it confirms a change to a booking you made" },
  place_booking_ends_soon: { transactional: false },
} as const satisfies Record<string, { transactional: false | string }>;

/** Why `kind` cannot be turned off (a receipt, a ticket), or false when it can. */
export function transactionalReason(kind: string): false | string {
  if (kind in TEMPLATES) return TEMPLATES[kind as NotificationKind].transactional;
  if (kind in DOMAIN_RENDERED_KINDS) return DOMAIN_RENDERED_KINDS[kind as keyof typeof DOMAIN_RENDERED_KINDS].transactional;
  return false;
}
export type TemplateData<K extends NotificationKind> = Parameters<(typeof TEMPLATES)[K]["render"]>[0];

export interface Rendered {
  inbox: { title: string; body: string; link?: string };
  /** Attachments are added by the domain that resolves the notification (e.g. an iTIP .ics naming the recipient). */
  email: { subject: string; text: string; html: string; attachments?: { filename: string; contentType: string; content: string }[] };
  sms: string;
  push: { title: string; body: string; url?: string };
}

/** Thrown when a template renders nothing to say (an empty title or body); callers answer 422. */
export class EmptyNotificationError extends Error {}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new EmptyNotificationError(`a notification link must be http(s), got ${u.protocol}`);
  return u.toString();
}

// GSM 03.38 basic set (+ the extension table, which counts double): what fits one 160-character SMS.
const GSM7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXT = "^{}\\[~]|€";
/** Length in GSM-7 septets, or undefined when a character needs UCS-2 (70 per segment). */
export function gsm7Length(s: string): number | undefined {
  let n = 0;
  for (const ch of s) {
    if (GSM7.includes(ch)) n += 1;
    else if (GSM7_EXT.includes(ch)) n += 2;
    else return undefined;
  }
  return n;
}

/** `title: url` in one segment where it fits: the title is shortened (never the link). */
function smsText(title: string, url: string | undefined): string {
  const tail = url ? ` ${url}` : "";
  const full = `${title}${tail}`;
  const limit = gsm7Length(full) === undefined ? 70 : 160;
  if (full.length <= limit || tail.length + 2 >= limit) return full;
  // UTF-16 units, as UCS-2 SMS count them; whole characters only.
  let head = "";
  for (const ch of title) {
    if (head.length + ch.length > limit - tail.length - 1) break;
    head += ch;
  }
  return `${head}…${tail}`;
}

export function renderNotification<K extends NotificationKind>(
  kind: K,
  data: TemplateData<K>,
  opts: { locale?: string; unsubscribeUrl?: string } = {},
): Rendered {
  const template = TEMPLATES[kind] as Template<TemplateData<K>>;
  const content = template.render(data, opts.locale ?? "en");
  const title = content.title.trim();
  const lines = content.lines.map((l) => l.trim()).filter(Boolean);
  if (!title || lines.length === 0) throw new EmptyNotificationError(`the ${kind} notification would be empty`);
  const action = content.action ? { label: content.action.label, url: safeUrl(content.action.url) } : undefined;
  const why = template.transactional
    ? `You get this email because ${template.transactional}; it cannot be turned off.`
    : opts.unsubscribeUrl
      ? "Don't want these emails? Unsubscribe:"
      : "";
  const text = [
    ...lines,
    action ? `${action.label}: ${action.url}` : "",
    why ? `--\n${why}${opts.unsubscribeUrl && !template.transactional ? ` ${opts.unsubscribeUrl}` : ""}` : "",
  ]
    .filter(Boolean)
    .join("\n\n");
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">',
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    action ? `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>` : "",
    why
      ? `<hr><p style="color:#666;font-size:small">${escapeHtml(why)}${
          opts.unsubscribeUrl && !template.transactional ? ` <a href="${escapeHtml(safeUrl(opts.unsubscribeUrl))}">Unsubscribe</a>` : ""
        }</p>`
      : "",
    "</body></html>",
  ].join("");
  return {
    inbox: { title, body: lines.join("\n"), ...(action ? { link: action.url } : {}) },
    email: { subject: title, text, html },
    sms: smsText(title, action?.url),
    push: { title, body: lines[0]!, ...(action ? { url: action.url } : {}) },
  };
}

export function isTransactional(kind: string): boolean {
  return transactionalReason(kind) !== false;
}
