import { type EmailSuppression, type EmailSuppressionLift, newId, type Page, type PageQuery } from "@gatherkit/core";
import { emailSuppressionLifts, emailSuppressions, notificationDeliveries } from "@gatherkit/db";
import { and, desc, eq, exists, lt, or, sql } from "drizzle-orm";
import { ApiError } from "../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../lib/guarded-insert.js";
import { answerOnCommit } from "../../lib/idempotent-writes.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";

type Row = typeof emailSuppressions.$inferSelect;
type Lifter = { orgId: string; by: string };

/**
 * The suppressions an organization sees: its own (a recipient marked its email as spam), and the
 * hard bounces of addresses it has emailed (a bounce suppresses for everyone, but an organization
 * only learns of addresses it already knew).
 */
const visibleTo = (deps: Pick<Deps, "db">, orgId: string) =>
  or(
    eq(emailSuppressions.scope, orgId),
    and(
      eq(emailSuppressions.scope, "*"),
      exists(
        deps.db
          .select({ one: sql`1` })
          .from(notificationDeliveries)
          .where(
            and(
              eq(notificationDeliveries.orgId, orgId),
              eq(notificationDeliveries.channel, "email"),
              sql`lower(${notificationDeliveries.to}) = ${emailSuppressions.address}`,
            ),
          ),
      ),
    ),
  );

/** A hard bounce may be lifted only by the organization whose email bounced (it vouches the mailbox exists again). */
const bouncedFor = (deps: Pick<Deps, "db">, orgId: string) =>
  exists(
    deps.db
      .select({ one: sql`1` })
      .from(notificationDeliveries)
      .where(and(eq(notificationDeliveries.id, emailSuppressions.deliveryId), eq(notificationDeliveries.orgId, orgId))),
  );

const toSuppression = (r: Row & { ours: number }): EmailSuppression => ({
  address: r.address,
  scope: r.scope === "*" ? "global" : "organization",
  reason: r.reason,
  detail: r.detail,
  liftable: r.scope !== "*" || r.ours === 1,
  createdAt: toIso(r.createdAt),
});

// The list's own cursor: a suppression is keyed by scope and address, not by an id.
const encode = (r: Row) =>
  btoa(JSON.stringify([r.createdAt, r.scope, r.address]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
function decode(cursor: string): [number, string, string] {
  try {
    const v: unknown = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(v) && v.length === 3 && Number.isSafeInteger(v[0]) && typeof v[1] === "string" && typeof v[2] === "string") {
      return [v[0], v[1], v[2]];
    }
  } catch {
    // answered below
  }
  const message = "is not a cursor from this list: pass the nextCursor of the previous page unchanged";
  throw new ApiError(400, "validation_failed", `query.cursor: ${message}`, { errors: [{ path: "query.cursor", message }] });
}

/** The addresses no email of `orgId` goes to, newest first. */
export async function listSuppressions(deps: Pick<Deps, "db">, orgId: string, page: PageQuery): Promise<Page<EmailSuppression>> {
  const after = page.cursor === undefined ? undefined : decode(page.cursor);
  const t = emailSuppressions;
  const rows = await deps.db
    .select({ ...getColumns(), ours: sql<number>`${t.scope} = '*' and ${bouncedFor(deps, orgId)}` })
    .from(t)
    .where(
      and(
        visibleTo(deps, orgId),
        after
          ? or(
              lt(t.createdAt, after[0]),
              and(eq(t.createdAt, after[0]), or(lt(t.scope, after[1]), and(eq(t.scope, after[1]), lt(t.address, after[2])))),
            )
          : undefined,
      ),
    )
    .orderBy(desc(t.createdAt), desc(t.scope), desc(t.address))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items.at(-1);
  return { data: items.map((r) => toSuppression({ ...r, ours: Number(r.ours) })), nextCursor: more && last ? encode(last) : null };
}

function getColumns() {
  const t = emailSuppressions;
  return { scope: t.scope, address: t.address, reason: t.reason, detail: t.detail, deliveryId: t.deliveryId, createdAt: t.createdAt };
}

/**
 * Lifts one suppression of `address`: the organization's own, or (scope `global`) a hard bounce
 * its own email caused. Deleted and recorded for audit in one batch, only if it still exists as
 * read (a concurrent lift records nothing twice); another organization's, or one it cannot see,
 * is 404; a hard bounce caused by another organization's email is 403 `suppression_not_liftable`.
 */
export async function liftSuppression(
  deps: Pick<Deps, "db" | "now">,
  who: Lifter,
  body: { address: string; scope: "organization" | "global" },
): Promise<EmailSuppressionLift> {
  const { db } = deps;
  const address = body.address.toLowerCase();
  const scope = body.scope === "global" ? "*" : who.orgId;
  const t = emailSuppressions;
  const key = and(eq(t.scope, scope), eq(t.address, address));
  const [row] = await db
    .select({ ...getColumns(), ours: sql<number>`${bouncedFor(deps, who.orgId)}` })
    .from(t)
    .where(and(key, visibleTo(deps, who.orgId)));
  if (!row) throw new ApiError(404, "suppression_not_found", `No ${body.scope} suppression of ${address} for this organization.`);
  if (scope === "*" && Number(row.ours) !== 1) {
    throw new ApiError(
      403,
      "suppression_not_liftable",
      "This address hard-bounced on another organization's email; only that organization can lift it.",
    );
  }
  const now = deps.now();
  const lift = {
    id: newId("suppressionLift"),
    orgId: who.orgId,
    scope,
    address,
    reason: row.reason,
    detail: row.detail,
    suppressedAt: row.createdAt,
    liftedBy: who.by,
    liftedAt: now,
  };
  const answer: EmailSuppressionLift = {
    id: lift.id,
    address,
    scope: body.scope,
    reason: row.reason,
    liftedBy: who.by,
    liftedAt: toIso(now),
  };
  // Sealed with the write, if the lift is recorded: a retry after a crash gets it.
  answerOnCommit(deps, 200, answer, sql`EXISTS (SELECT 1 FROM ${emailSuppressionLifts} WHERE ${emailSuppressionLifts.id} = ${lift.id})`);
  // Deleted only if it is still the suppression read (not a newer one after a re-bounce), and
  // recorded for audit only if this statement deleted it: a concurrent lift records nothing twice.
  const [, inserted] = await db.batch([
    db.delete(t).where(and(key, eq(t.createdAt, row.createdAt))),
    insertWhen(db, emailSuppressionLifts, lift, previousStatementChanged).returning({ id: emailSuppressionLifts.id }),
  ]);
  if (inserted.length === 0)
    throw new ApiError(404, "suppression_not_found", `No ${body.scope} suppression of ${address} for this organization.`);
  return answer;
}
