import type { NotificationDelivery, Page, PageQuery, SentNotification } from "@gatherkit/core";
import { notificationDeliveries } from "@gatherkit/db";
import { and, asc, eq } from "drizzle-orm";
import { ApiError } from "../../lib/errors.js";
import { paginate } from "../../lib/pagination.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";

type Row = typeof notificationDeliveries.$inferSelect;
const toDelivery = (r: Row): NotificationDelivery => ({
  id: r.id,
  notificationId: r.notificationId,
  channel: r.channel,
  to: r.to,
  kind: r.template,
  status: r.status,
  provider: r.provider,
  providerMessageId: r.providerMessageId,
  attempts: r.attempts,
  error: r.error,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

/** The organization's delivery log, newest first: one entry per message and channel, with its status and the provider's answer. */
export function listDeliveries(
  deps: Pick<Deps, "db">,
  orgId: string,
  query: PageQuery & { status?: Row["status"]; channel?: Row["channel"]; notification?: string },
): Promise<Page<NotificationDelivery>> {
  return paginate(
    notificationDeliveries,
    query,
    (p) =>
      deps.db
        .select()
        .from(notificationDeliveries)
        .where(
          and(
            eq(notificationDeliveries.orgId, orgId),
            query.status ? eq(notificationDeliveries.status, query.status) : undefined,
            query.channel ? eq(notificationDeliveries.channel, query.channel) : undefined,
            query.notification ? eq(notificationDeliveries.notificationId, query.notification) : undefined,
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toDelivery,
  );
}

/** At most this many deliveries are listed with one notification (the paginated log filters by `notification` for more). */
export const NOTIFICATION_DELIVERIES_SHOWN = 200;

/**
 * One notification of the organization with the deliveries it caused, oldest first (its fan-out's
 * `inbox` entry, then each email, SMS and push); another organization's is 404.
 */
export async function retrieveNotification(deps: Pick<Deps, "db">, orgId: string, id: string): Promise<SentNotification> {
  const rows = await deps.db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.orgId, orgId), eq(notificationDeliveries.notificationId, id)))
    .orderBy(asc(notificationDeliveries.createdAt), asc(notificationDeliveries.id))
    .limit(NOTIFICATION_DELIVERIES_SHOWN);
  const head = rows.find((r) => r.sourceId === id) ?? rows[0];
  if (!head) throw new ApiError(404, "notification_not_found", `No notification ${id} in this organization.`);
  return { id, kind: head.template, createdAt: toIso(head.createdAt), deliveries: rows.map(toDelivery) };
}
