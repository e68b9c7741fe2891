import type { PublishedEvent } from "@gatherkit/core";
import { type Db, outbox } from "@gatherkit/db";
import { type SQL, sql } from "drizzle-orm";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { planRoom } from "../access.js";

/**
 * Realtime events about proposals, written to the outbox in the same `db.batch` as the change
 * and built by SQL as the batch runs. A tally or a `takenCount` depends on every concurrent
 * vote and commitment, so a payload computed before the batch could already be stale when it
 * commits; computed inside it, each event is the state right after its own change.
 *
 * Events carry what any reader of the plan may see: no caller-specific fields (`myVote`,
 * `committed`), and tallies hidden as for a participant while the plan hides votes.
 */

/** An epoch-ms column as the ISO 8601 string `Date#toISOString` gives (exact to the millisecond). */
const iso = (col: string) =>
  sql.raw(
    `CASE WHEN ${col} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', ${col} / 1000, 'unixepoch') || '.' || printf('%03d', ${col} % 1000) || 'Z' END`,
  );

const json = (bool: boolean) => sql.raw(bool ? "json('true')" : "json('false')");

/** The Tally of the proposal whose id is the SQL expression `id` (see core's `tally`). */
function tallyJson(id: SQL, hidden: boolean): SQL {
  const count = (value: string) =>
    hidden ? sql`NULL` : sql`(SELECT count(*) FROM votes v WHERE v.proposal_id = ${id} AND v.value = ${value})`;
  return sql`json_object('proposalId', ${id}, 'yes', ${count("yes")}, 'maybe', ${count("maybe")}, 'no', ${count("no")},
    'total', (SELECT count(*) FROM votes v WHERE v.proposal_id = ${id}), 'hidden', ${json(hidden)})`;
}

/** A proposal row `p` as the API's Proposal without its caller-specific fields (see `toProposal`). */
function proposalJson(hidden: boolean): SQL {
  return sql`json_object(
    'id', p.id, 'planId', p.plan_id, 'title', p.title, 'description', p.description, 'url', p.url,
    'imageUrls', json(p.image_urls),
    'startsAt', ${iso("p.starts_at")}, 'endsAt', ${iso("p.ends_at")},
    'cost', json(CASE WHEN p.cost_kind IS NULL THEN NULL
      ELSE json_object('kind', p.cost_kind, 'amount', p.cost_amount, 'currency', p.cost_currency) END),
    'capacity', p.capacity,
    'takenCount', (SELECT count(*) FROM proposal_takers t WHERE t.proposal_id = p.id),
    'paidByParticipantId', p.paid_by_participant_id, 'status', p.status,
    'createdByParticipantId', p.created_by_participant_id,
    'createdAt', ${iso("p.created_at")}, 'updatedAt', ${iso("p.updated_at")},
    'tally', ${tallyJson(sql.raw("p.id"), hidden)})`;
}

export interface EventTarget {
  orgId: string;
  planId: string;
  now: number;
}

/**
 * `INSERT INTO outbox … SELECT`: one realtime row per row of `from` (`FROM proposals p`, or none
 * for a single row) that satisfies `when`, whose event is the SQL JSON `event`. Built with
 * `insertWhen`, a query builder, so it batches on D1 as well as libSQL.
 *
 * Ordering: the outbox delivers a room's rows by (created_at, id). Rows written here get a
 * created_at that never goes below the newest row's and an id from the table's rowid sequence,
 * so two commits in the same millisecond (or a request that read the clock first but committed
 * last) are still delivered in commit order — the last tally a room sees is the current one.
 */
function enqueueSql(db: Db, target: EventTarget, event: SQL, when: SQL, from?: SQL) {
  return insertWhen(
    db,
    outbox,
    {
      id: sql`'obx_' || printf('%020d', (SELECT coalesce(max(rowid), 0) FROM outbox) + row_number() OVER ())`,
      orgId: target.orgId,
      kind: "realtime",
      payload: sql`json_object('room', ${planRoom(target.planId)}, 'event', ${event})`,
      attempts: 0,
      nextAttemptAt: target.now,
      createdAt: sql`max(${target.now}, coalesce((SELECT created_at FROM outbox ORDER BY rowid DESC LIMIT 1), 0))`,
      orderKey: planRoom(target.planId),
    },
    when,
    from,
  );
}

/**
 * `plan.proposal_changed` for the proposals `where` selects (a condition on `p`), written if
 * `when` holds (default: always).
 */
export function enqueueProposalsChanged(db: Db, target: EventTarget, opts: { where: SQL; hidden: boolean; when?: SQL }) {
  const event = sql`json_object('type', 'plan.proposal_changed', 'data', json_object('proposal', ${proposalJson(opts.hidden)}))`;
  return enqueueSql(db, target, event, sql`${opts.where} AND (${opts.when ?? sql`1`})`, sql`FROM proposals p`);
}

/** `plan.tally_changed` for one proposal, written if `when` holds. */
export function enqueueTallyChanged(db: Db, target: EventTarget, opts: { proposalId: string; hidden: boolean; when: SQL }) {
  const event = sql`json_object('type', 'plan.tally_changed', 'data', json_object('planId', ${target.planId}, 'tally', ${tallyJson(
    sql`${opts.proposalId}`,
    opts.hidden,
  )}))`;
  return enqueueSql(db, target, event, opts.when);
}

/** `plan.finalized` with the plan's selected proposals, written if `when` holds. */
export function enqueueFinalized(db: Db, target: EventTarget, opts: { when: SQL }) {
  const selected = sql`(SELECT json_group_array(id) FROM (SELECT id FROM proposals WHERE plan_id = ${target.planId} AND status = 'selected' ORDER BY created_at, id))`;
  const event = sql`json_object('type', 'plan.finalized', 'data', json_object('planId', ${target.planId}, 'selectedProposalIds', json(${selected})))`;
  return enqueueSql(db, target, event, opts.when);
}

/** An event known before the batch (e.g. `plan.updated`), in the same commit-ordered sequence, written if `when` holds. */
export function enqueueEvent(db: Db, target: EventTarget, event: PublishedEvent, when: SQL) {
  return enqueueSql(db, target, sql`json(${JSON.stringify(event)})`, when);
}
