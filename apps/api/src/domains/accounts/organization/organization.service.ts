import type { CheckoutMode, Organization, PublishedEvent } from "@gatherkit/core";
import { type Db, organizations } from "@gatherkit/db";
import { eq, sql } from "drizzle-orm";
import { notFound } from "../../../lib/errors.js";
import { rootDb } from "../../../lib/idempotent-writes.js";
import { deliverSoon, enqueue, publishAfterCommit, realtime } from "../../../lib/outbox.js";
import type { Deps } from "../../../lib/types.js";
import { toOrganization } from "../auth/auth.service.js";

/** The organization's own room: the dashboard's live feed of accounts changes. */
export const orgRoom = (orgId: string) => `org:${orgId}`;

/** The outbox insert telling the organization's room about a change; put it in the change's `db.batch`. */
export function enqueueOrgEvent(deps: Deps, orgId: string, event: PublishedEvent) {
  return enqueue(deps.db, realtime(orgRoom(orgId), event), { orgId, now: deps.now() });
}

/**
 * Tells the organization's room about a change that has already committed (durably, through the
 * outbox); `disconnect` (user ids) closes those people's connections to the room after it.
 */
export function publishToOrg(deps: Deps, orgId: string, event: PublishedEvent, opts: { disconnect?: string[] } = {}): Promise<void> {
  return publishAfterCommit(deps, orgRoom(orgId), event, { orgId, ...opts });
}

/**
 * The organization read by id, prepared once per database: it runs on every `GET /v1/organization`
 * (and behind other calls), and building its SQL with drizzle each time was ~15% of that route's
 * CPU in a profile. A read, so it goes to the root database even inside an idempotent write.
 */
const byId = new WeakMap<Db, ReturnType<typeof prepareById>>();
const prepareById = (db: Db) =>
  db
    .select()
    .from(organizations)
    .where(eq(organizations.id, sql.placeholder("id")))
    .limit(1)
    .prepare();

export async function getOrganization(deps: Deps, orgId: string): Promise<Organization> {
  const db = rootDb(deps.db);
  let query = byId.get(db);
  if (!query) {
    query = prepareById(db);
    byId.set(db, query);
  }
  const [row] = await query.all({ id: orgId });
  if (!row) throw notFound("Organization");
  return toOrganization(row);
}

/**
 * Renames the organization, sets its time zone (already canonicalised by the schema) and/or how its
 * buyers pay with Stripe (`checkoutMode`; null: the deployment's default).
 */
export async function updateOrganization(
  deps: Deps,
  orgId: string,
  input: { name?: string | undefined; timeZone?: string | undefined; checkoutMode?: CheckoutMode | null | undefined },
): Promise<Organization> {
  const db = deps.db;
  const set = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
    ...(input.checkoutMode !== undefined ? { checkoutMode: input.checkoutMode } : {}),
  };
  // The room's message carries the name; a time-zone-only change repeats the current one.
  const name = input.name ?? (await getOrganization(deps, orgId)).name;
  const [[row]] = await db.batch([
    db.update(organizations).set(set).where(eq(organizations.id, orgId)).returning(),
    enqueueOrgEvent(deps, orgId, { type: "organization.updated", data: { id: orgId, name } }),
  ]);
  if (!row) throw notFound("Organization");
  deliverSoon(deps);
  return toOrganization(row);
}

/** The organization's time zone (IANA), which its reports bucket days by. */
export async function organizationTimeZone(deps: Deps, orgId: string): Promise<string> {
  return (await getOrganization(deps, orgId)).timeZone;
}
