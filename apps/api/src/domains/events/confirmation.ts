import { formatMoney } from "@gatherkit/core";
import { events, orderLines, ticketTypes } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { email } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";
import { buyerOrderUrl, buyerToken, ticketQrUrl } from "./buyer-access.js";
import { orderIcs, toBase64 } from "./ics.js";
import type { Seat } from "./tickets.js";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/**
 * The order confirmation email (an outbox row, sent by the notifications platform): the order's
 * code, each ticket's code with a link to its QR code (SVG), and the link where the buyer reads
 * the order without signing in, and the event as an `.ics` attachment (see ics.ts). Everything
 * the buyer typed is escaped in the HTML.
 */
export async function confirmationEmail(
  deps: Deps,
  event: Parameters<typeof orderIcs>[0] & { timeZone: string },
  order: { id: string; buyerName: string; buyerEmail: string; confirmationCode: string; total: number; currency: string },
  lines: { ticketTypeId: string; name: string; quantity: number }[],
  seats: Seat[],
) {
  const when = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
  const token = await buyerToken(deps.config, order.id);
  const orderUrl = buyerOrderUrl(deps.config, order.id, token);
  const typeName = new Map(lines.map((l) => [l.ticketTypeId, l.name]));
  const tickets = seats.map((s) => ({
    code: s.code,
    type: typeName.get(s.ticketTypeId) ?? "",
    qrUrl: ticketQrUrl(deps.config, s.id, token),
  }));
  const list = lines.map((l) => `${l.quantity} × ${l.name}`).join("\n");
  const total = formatMoney(order.total, order.currency);
  const text = [
    `Hello ${order.buyerName},`,
    "",
    `Your order ${order.confirmationCode} for ${event.title} on ${when} is confirmed.`,
    "",
    list,
    `Total: ${total}`,
    "",
    "Your tickets (show the code or its QR code at the door):",
    ...tickets.map((x) => `${x.code} (${x.type}): ${x.qrUrl}`),
    "",
    `Your order, any time: ${orderUrl}`,
    "",
  ].join("\n");
  const html = `<p>Hello ${escapeHtml(order.buyerName)},</p>
<p>Your order <strong>${escapeHtml(order.confirmationCode)}</strong> for ${escapeHtml(event.title)} on ${escapeHtml(when)} is confirmed.</p>
<ul>${lines.map((l) => `<li>${l.quantity} × ${escapeHtml(l.name)}</li>`).join("")}</ul>
<p>Total: ${escapeHtml(total)}</p>
${tickets
  .map(
    (x) =>
      `<p><img src="${escapeHtml(x.qrUrl)}" width="160" height="160" alt="QR code of ticket ${escapeHtml(x.code)}"><br><strong>${escapeHtml(x.code)}</strong> ${escapeHtml(x.type)}</p>`,
  )
  .join("\n")}
<p><a href="${escapeHtml(orderUrl)}">Your order and tickets</a></p>`;
  return email({
    to: order.buyerEmail,
    subject: `Your tickets for ${event.title} (${order.confirmationCode})`,
    text,
    html,
    attachments: [
      {
        filename: "event.ics",
        contentType: "text/calendar; method=PUBLISH",
        content: toBase64(orderIcs(event, order, { orderUrl, host: new URL(deps.config.publicUrl).host, now: deps.now() })),
      },
    ],
    template: "order_confirmation",
    data: { orderId: order.id, eventId: event.id, confirmationCode: order.confirmationCode },
  });
}

/** The confirmation email of a stored order, for the tickets about to be issued. */
export async function confirmationEmailFor(
  deps: Deps,
  order: { id: string; eventId: string; buyerName: string; buyerEmail: string; confirmationCode: string; total: number; currency: string },
  seats: Seat[],
) {
  const [event] = await deps.db.select().from(events).where(eq(events.id, order.eventId)).limit(1);
  const lines = await deps.db
    .select({ ticketTypeId: orderLines.ticketTypeId, name: ticketTypes.name, quantity: orderLines.quantity })
    .from(orderLines)
    .innerJoin(ticketTypes, eq(ticketTypes.id, orderLines.ticketTypeId))
    .where(eq(orderLines.orderId, order.id));
  if (!event) throw new Error(`order ${order.id} has no event`);
  return confirmationEmail(deps, event, order, lines, seats);
}
