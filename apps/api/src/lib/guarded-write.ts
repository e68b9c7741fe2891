import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { deliverSoon } from "./outbox.js";
import type { Deps } from "./types.js";

/**
 * The one protocol of a conditional write. The rules were checked on what the request read, but
 * a concurrent request may change the state before the write lands, so the write checks them
 * again itself: `statements` go out as one `db.batch` (one transaction on libSQL and D1), each
 * guarded by SQL conditions (`WHERE …`, `insertWhen`, `previousStatementChanged`), with the
 * realtime events of the change in the same batch.
 *
 * - `written(results)` picks what the write produced from the batch's results, or undefined when
 *   the guards let nothing through. When something was written, the outbox is delivered
 *   (`deliverSoon`) and that value is answered.
 * - Otherwise `explain(results)` re-reads the current state and says why: it throws the rule that
 *   now refuses the write (a DomainError / ApiError with its status and code, e.g. 409
 *   `voting_closed`, 422 `unknown_participant`), or a 409 `conflict` when every rule still holds
 *   and only a concurrent change got in between (the caller retries). It may instead return an
 *   answer when there was nothing to write (withdrawing a vote there is none of, taking a place
 *   one already holds), and that is answered.
 */
export async function guardedWrite<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>, W, A = never>(
  deps: Deps,
  statements: T,
  outcome: {
    written: (results: BatchResponse<T>) => W | undefined;
    explain: (results: BatchResponse<T>) => Promise<A>;
  },
): Promise<W | A> {
  const results = await deps.db.batch(statements);
  const written = outcome.written(results);
  if (written === undefined) return outcome.explain(results);
  deliverSoon(deps);
  return written;
}
