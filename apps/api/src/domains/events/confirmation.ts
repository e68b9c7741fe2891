import { formatMoney } from "@gatherkit/core";
import { events, orderLines, ticketTypes } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { email } from "../../lib/outbox.js";
import type { Deps } from "../../lib/types.js";

/** The order confirmation email (an outbox row, sent by the notifications platform). */
export function confirmationEmail(
  event: { id: string; title: string; startsAt: number; timeZone: string },
  order: { id: string; buyerName: string; buyerEmail: string; confirmationCode: string; total: number; currency: string },
  lines: { name: string; quantity: number }[],
) {
  const when = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
  const list = lines.map((l) => `${l.quantity} × ${l.name}`).join("\n");
  return email({
    to: order.buyerEmail,
    subject: `Your tickets for ${event.title} (${order.confirmationCode})`,
    text: `Hello ${order.buyerName},\n\nYour order ${order.confirmationCode} for ${event.title} on ${when} is confirmed.\n\n${list}\nTotal: ${formatMoney(order.total, order.currency)}\n`,
    template: "order_confirmation",
    data: { orderId: order.id, eventId: event.id, confirmationCode: order.confirmationCode },
  });
}

/** The confirmation email of a stored order. */
export async function confirmationEmailFor(
  deps: Deps,
  order: { id: string; eventId: string; buyerName: string; buyerEmail: string; confirmationCode: string; total: number; currency: string },
) {
  const [event] = await deps.db.select().from(events).where(eq(events.id, order.eventId)).limit(1);
  const lines = await deps.db
    .select({ name: ticketTypes.name, quantity: orderLines.quantity })
    .from(orderLines)
    .innerJoin(ticketTypes, eq(ticketTypes.id, orderLines.ticketTypeId))
    .where(eq(orderLines.orderId, order.id));
  if (!event) throw new Error(`order ${order.id} has no event`);
  return confirmationEmail(event, order, lines);
}
