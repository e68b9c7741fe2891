import type { LocalMessage, Page, PageQuery } from "@gatherkit/core";
import { localMessages } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { notFound } from "../../lib/errors.js";
import { paginate } from "../../lib/pagination.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";

type Row = typeof localMessages.$inferSelect;
const toLocalMessage = (r: Row): LocalMessage => ({
  id: r.id,
  channel: r.channel,
  from: r.from,
  to: r.to,
  subject: r.subject,
  text: r.text,
  html: r.html,
  headers: r.headers,
  createdAt: toIso(r.createdAt),
});

/** What the local providers recorded for `orgId`, newest first (the dashboard's outbox viewer). */
export function listLocalMessages(deps: Pick<Deps, "db">, orgId: string, query: PageQuery): Promise<Page<LocalMessage>> {
  return paginate(
    localMessages,
    query,
    (p) =>
      deps.db
        .select()
        .from(localMessages)
        .where(and(eq(localMessages.orgId, orgId), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toLocalMessage,
  );
}

export async function getLocalMessage(deps: Pick<Deps, "db">, orgId: string, id: string): Promise<LocalMessage> {
  const [row] = await deps.db
    .select()
    .from(localMessages)
    .where(and(eq(localMessages.orgId, orgId), eq(localMessages.id, id)));
  if (!row) throw notFound("Message");
  return toLocalMessage(row);
}
