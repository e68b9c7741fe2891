import { newId, newTicketCode } from "@gatherkit/core";
import { tickets } from "@gatherkit/db";
import { type SQL, sql } from "drizzle-orm";
import type { Deps } from "../../lib/types.js";

/** Tickets per INSERT: three bound values each, within D1's 100 per statement. */
const CHUNK = 25;

/** One ticket to issue: its id, type and fresh code, drawn before the write so the confirmation email can name them. */
export interface Seat {
  id: string;
  ticketTypeId: string;
  code: string;
}

/** One seat per ticket the lines buy, each with a fresh id and code. */
export function seatsFor(lines: { ticketTypeId: string; quantity: number }[]): Seat[] {
  return lines.flatMap((l) =>
    Array.from({ length: l.quantity }, () => ({ id: newId("ticket"), ticketTypeId: l.ticketTypeId, code: newTicketCode() })),
  );
}

/**
 * The inserts issuing an order's tickets, one per seat, for a `db.batch`. The first is written
 * only if `when` holds as it runs; each later one only if the one before it wrote rows
 * (`changes() > 0`), so they all follow `when`. Put them right after what `when` checks.
 */
export function issueTickets(deps: Deps, order: { id: string; orgId: string; eventId: string }, seats: Seat[], when: SQL, now: number) {
  const chunks: Seat[][] = [];
  for (let i = 0; i < seats.length; i += CHUNK) chunks.push(seats.slice(i, i + CHUNK));
  return chunks.map((chunk, i) => {
    const values = sql.join(
      chunk.map((s) => sql`(${s.id}, ${s.ticketTypeId}, ${s.code})`),
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
