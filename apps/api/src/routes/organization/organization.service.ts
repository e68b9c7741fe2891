import type { Organization, PublishedEvent } from "@gatherkit/core";
import { organizations } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { notFound } from "../../lib/errors.js";
import type { Deps } from "../../lib/types.js";
import { toOrganization } from "../auth/auth.service.js";

/**
 * Tells the organization's own room (`org:<id>`, the dashboard's live feed) about a committed
 * change. Delivery never fails the request that made the change: errors are logged.
 */
export function publishToOrg(deps: Deps, orgId: string, event: PublishedEvent): void {
  const delivery = deps.publisher.publish(`org:${orgId}`, event).catch((err: unknown) => {
    deps.logger.warn("publish failed", { room: `org:${orgId}`, type: event.type, error: err instanceof Error ? err.message : String(err) });
  });
  deps.waitUntil?.(delivery);
}

export async function getOrganization(deps: Deps, orgId: string): Promise<Organization> {
  const [row] = await deps.db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!row) throw notFound("Organization");
  return toOrganization(row);
}

export async function updateOrganization(deps: Deps, orgId: string, input: { name: string }): Promise<Organization> {
  const [row] = await deps.db.update(organizations).set({ name: input.name }).where(eq(organizations.id, orgId)).returning();
  if (!row) throw notFound("Organization");
  publishToOrg(deps, orgId, { type: "organization.updated", data: { id: row.id, name: row.name } });
  return toOrganization(row);
}
