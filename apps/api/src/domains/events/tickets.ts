import { newId, newTicketCode } from "@gatherkit/core";
import { tickets } from "@gatherkit/db";
import { type SQL, sql } from "drizzle-orm";
import type { Deps } from "../../lib/types.js";

/** Tickets per INSERT: three bound values each, within D1's 100 per statement. */
const CHUNK = 25;

/**
 * The inserts issuing an order's tickets, one per seat with a fresh code, for a `db.batch`. The
 * first is written only if `when` holds as it runs; each later one only if the one before it
 * wrote rows (`changes() > 0`), so they all follow `when`. Put them right after what `when` checks.
 */
export function issueTickets(
  deps: Deps,
  order: { id: string; orgId: string; eventId: string },
  lines: { ticketTypeId: string; quantity: number }[],
  when: SQL,
  now: number,
) {
  const seats = lines.flatMap((l) => Array.from({ length: l.quantity }, () => [newId("ticket"), l.ticketTypeId, newTicketCode()] as const));
  const chunks: (typeof seats)[] = [];
  for (let i = 0; i < seats.length; i += CHUNK) chunks.push(seats.slice(i, i + CHUNK));
  return chunks.map((chunk, i) => {
    const values = sql.join(
      chunk.map(([id, type, code]) => sql`(${id}, ${type}, ${code})`),
      sql`, `,
    );
    return deps.db
      .insert(tickets)
      .select(
        sql`SELECT v.column1, ${order.orgId}, ${order.eventId}, ${order.id}, v.column2, v.column3, 'valid', ${now} FROM (VALUES ${values}) v WHERE ${
          i === 0 ? when : sql`changes() > 0`
        }`,
      );
  });
}
