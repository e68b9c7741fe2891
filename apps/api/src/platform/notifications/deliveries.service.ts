import type { NotificationDelivery, Page, PageQuery } from "@gatherkit/core";
import { notificationDeliveries } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { paginate } from "../../lib/pagination.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";

type Row = typeof notificationDeliveries.$inferSelect;
const toDelivery = (r: Row): NotificationDelivery => ({
  id: r.id,
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
  query: PageQuery & { status?: Row["status"]; channel?: Row["channel"] },
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
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toDelivery,
  );
}
