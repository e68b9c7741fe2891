import type { InboxItem, PageQuery } from "@gatherkit/core";
import { inboxItems } from "@gatherkit/db";
import { and, count, eq, isNull, type SQL } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import { rerunOnRetry, resumedFrom, resumeOnCommit } from "../../lib/idempotent-writes.js";
import { deliverSoon, enqueue, realtime } from "../../lib/outbox.js";
import { paginate } from "../../lib/pagination.js";
import { toIso } from "../../lib/time.js";
import type { Caller, Deps } from "../../lib/types.js";

/** Whose inbox a caller reads: a participant's (`ptc_…`) or a signed-in organizer's (`usr_…`). Keys have none. */
export function recipientOf(caller: Caller): { orgId: string; recipientId: string } {
  if (caller.kind === "participant") return { orgId: caller.orgId, recipientId: caller.participantId };
  if (caller.kind === "user") return { orgId: caller.orgId, recipientId: caller.userId };
  throw new ApiError(403, "permission_denied", "An inbox belongs to a person: call with a participant token or as a signed-in organizer.");
}

/** The room that carries one person's own updates (their inbox). */
export const personRoom = (recipientId: string) => `person:${recipientId}`;

const mine = (r: { orgId: string; recipientId: string }): SQL =>
  and(eq(inboxItems.orgId, r.orgId), eq(inboxItems.recipientId, r.recipientId))!;

type Row = typeof inboxItems.$inferSelect;
const toInboxItem = (row: Row): InboxItem => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  link: row.link,
  subjectId: row.subjectId,
  readAt: toIso(row.readAt),
  createdAt: toIso(row.createdAt),
});

export function listInbox(deps: Deps, caller: Caller, page: PageQuery & { unread?: boolean }) {
  const who = recipientOf(caller);
  return paginate(
    inboxItems,
    page,
    (p) =>
      deps.db
        .select()
        .from(inboxItems)
        .where(and(mine(who), page.unread ? isNull(inboxItems.readAt) : undefined, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toInboxItem,
  );
}

export async function unreadCount(deps: Pick<Deps, "db">, who: { orgId: string; recipientId: string }): Promise<number> {
  return deps.db.$count(inboxItems, and(mine(who), isNull(inboxItems.readAt)));
}

/** Marks one item read (again is fine); another person's item is 404. Tells the person's room when something changed. */
export async function markRead(deps: Deps, caller: Caller, id: string): Promise<InboxItem> {
  const who = recipientOf(caller);
  const db = deps.db;
  const now = deps.now();
  // Marking read what is read answers it as it is: a retry after a crash simply runs again.
  rerunOnRetry(deps);
  const [changed] = await db
    .update(inboxItems)
    .set({ readAt: now })
    .where(and(mine(who), eq(inboxItems.id, id), isNull(inboxItems.readAt)))
    .returning();
  if (changed) {
    await tellPerson(deps, who);
    return toInboxItem(changed);
  }
  const [row] = await db
    .select()
    .from(inboxItems)
    .where(and(mine(who), eq(inboxItems.id, id)));
  if (!row) throw notFound("Inbox item");
  return toInboxItem(row);
}

export async function markAllRead(deps: Deps, caller: Caller): Promise<{ marked: number; unread: 0 }> {
  const who = recipientOf(caller);
  // The retry of a request that died right after its write counts what that write marked (the
  // items read at its time, sealed as the point to resume from) instead of marking again.
  const point = resumedFrom(deps);
  if (point !== undefined) {
    const [row] = await deps.db
      .select({ n: count() })
      .from(inboxItems)
      .where(and(mine(who), eq(inboxItems.readAt, Number(point))));
    return { marked: row?.n ?? 0, unread: 0 };
  }
  const now = deps.now();
  resumeOnCommit(deps, String(now));
  const changed = await deps.db
    .update(inboxItems)
    .set({ readAt: now })
    .where(and(mine(who), isNull(inboxItems.readAt)))
    .returning({ id: inboxItems.id });
  if (changed.length) await tellPerson(deps, who);
  return { marked: changed.length, unread: 0 };
}

async function tellPerson(deps: Deps, who: { orgId: string; recipientId: string }) {
  await enqueue(deps.db, realtime(personRoom(who.recipientId), { type: "inbox.changed", data: { id: who.recipientId } }), {
    orgId: who.orgId,
    now: deps.now(),
  });
  deliverSoon(deps);
}
