import { type Client, type ClientListQuery, type CreateClient, newId, type Page, type UpdateClient } from "@gatherkit/core";
import { calendarClients, calendarConnections, calendarOauthStates, calendarSyncedItems, calendarSyncRules } from "@gatherkit/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { clientColumns, loadClient, requireStaff, toClient } from "../access.js";
import { disconnect } from "../connections/connections.service.js";

const searchText = (name: string, email: string | null | undefined) => `${name}\n${email ?? ""}`.toLowerCase();
/** `%text%` for LIKE, with LIKE's own wildcards taken literally. */
const contains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function createClient(deps: Deps, caller: Caller | null, input: CreateClient): Promise<Client> {
  const staff = requireStaff(caller);
  const now = deps.now();
  const row = {
    id: newId("client"),
    orgId: staff.orgId,
    name: input.name,
    email: input.email ?? null,
    notes: input.notes,
    timeZone: input.timeZone,
    searchText: searchText(input.name, input.email),
    createdAt: now,
    updatedAt: now,
  };
  // A new client has no connection yet: the answer is known before the write and sealed with it.
  const created = toClient({ ...row, connected: 0 });
  answerOnCommit(deps, 201, created);
  await deps.db.insert(calendarClients).values(row);
  return created;
}

export async function getClient(deps: Deps, caller: Caller | null, clientId: string): Promise<Client> {
  return toClient(await loadClient(deps, caller, clientId));
}

export async function listClients(deps: Deps, caller: Caller | null, query: ClientListQuery): Promise<Page<Client>> {
  const staff = requireStaff(caller);
  return paginate(
    calendarClients,
    query,
    (p) =>
      deps.db
        .select(clientColumns)
        .from(calendarClients)
        .where(
          and(
            eq(calendarClients.orgId, staff.orgId),
            query.q ? sql`${calendarClients.searchText} LIKE ${contains(query.q)} ESCAPE '\\'` : undefined,
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toClient,
  );
}

export async function updateClient(deps: Deps, caller: Caller | null, clientId: string, patch: UpdateClient): Promise<Client> {
  const staff = requireStaff(caller);
  const current = await loadClient(deps, caller, clientId);
  const name = patch.name ?? current.name;
  const email = patch.email === undefined ? current.email : patch.email;
  const updated = await deps.db
    .update(calendarClients)
    .set({
      name,
      email,
      notes: patch.notes ?? current.notes,
      timeZone: patch.timeZone ?? current.timeZone,
      searchText: searchText(name, email),
      updatedAt: deps.now(),
    })
    .where(and(eq(calendarClients.id, clientId), eq(calendarClients.orgId, staff.orgId)))
    .returning({ id: calendarClients.id });
  if (updated.length === 0) throw notFound("Client");
  return getClient(deps, caller, clientId);
}

/** Deletes the client with its connection (revoked at Google first), OAuth states and sync rules. */
export async function deleteClient(deps: Deps, caller: Caller | null, clientId: string): Promise<void> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  await loadClient(deps, caller, clientId);
  await disconnect(deps, caller, clientId, { quiet: true });
  const rules = deps.db.select({ id: calendarSyncRules.id }).from(calendarSyncRules).where(eq(calendarSyncRules.clientId, clientId));
  await deps.db.batch([
    deps.db.delete(calendarSyncedItems).where(inArray(calendarSyncedItems.ruleId, rules)),
    deps.db.delete(calendarSyncRules).where(eq(calendarSyncRules.clientId, clientId)),
    deps.db.delete(calendarOauthStates).where(eq(calendarOauthStates.clientId, clientId)),
    deps.db.delete(calendarConnections).where(eq(calendarConnections.clientId, clientId)),
    deps.db.delete(calendarClients).where(and(eq(calendarClients.id, clientId), eq(calendarClients.orgId, staff.orgId))),
  ]);
}
