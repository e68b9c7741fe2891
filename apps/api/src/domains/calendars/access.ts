import type { Client } from "@gatherkit/core";
import { calendarClients, calendarConnections } from "@gatherkit/db";
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { requireOrganizer } from "../../lib/auth.js";
import { notFound } from "../../lib/errors.js";
import { toIso } from "../../lib/time.js";
import type { Caller, Deps } from "../../lib/types.js";

/** A client of an organization, whose connection a Google call uses. */
export type Target = { orgId: string; clientId: string };

export type ClientRow = typeof calendarClients.$inferSelect & { connected: number | boolean };

/** Organization staff: a signed-in organizer or a secret key, of `roles` (any role by default). */
export const requireStaff = (caller: Caller | null, roles?: ("owner" | "admin" | "staff")[]) =>
  requireOrganizer({ var: { caller } }, roles);

export const clientColumns = {
  ...getTableColumns(calendarClients),
  connected: sql<number>`EXISTS (SELECT 1 FROM ${calendarConnections} AS c WHERE c.client_id = ${calendarClients}.id AND c.status = 'valid')`,
};

/** The client of the caller's organization, or 404 (another organization's client too). */
export async function loadClient(deps: Deps, caller: Caller | null, clientId: string): Promise<ClientRow> {
  const staff = requireStaff(caller);
  const [row] = await deps.db
    .select(clientColumns)
    .from(calendarClients)
    .where(and(eq(calendarClients.id, clientId), eq(calendarClients.orgId, staff.orgId)))
    .limit(1);
  if (!row) throw notFound("Client");
  return row;
}

export function toClient(row: ClientRow): Client {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    notes: row.notes,
    timeZone: row.timeZone,
    connected: Boolean(row.connected),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
