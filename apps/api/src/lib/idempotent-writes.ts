import type { Db } from "@gatherkit/db";
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { ApiError } from "./errors.js";
import type { Deps } from "./types.js";

/**
 * Binds a request's writes to its Idempotency-Key. Inside a request that holds a key, the
 * request's db (`c.var.db`, and `deps.db` of the deps handed to services) is this wrapper: every
 * write to a domain table — a `db.batch` or a single statement — goes out as ONE batch
 *
 *   [guard, …the write's statements…, commit]
 *
 * where `guard` aborts the whole batch (a NOT NULL constraint failure rolls it back) unless this
 * request still holds the key, and `commit` marks the key `committed` — or `done` with the
 * answer, when the service said before the write what it will answer (`answerOnCommit`). So
 * the effect and the key's fate commit together: a request whose lease ran out and was taken
 * over by a retry writes nothing, and a retry after a crash finds the key committed (with its
 * answer) exactly when the effect is there. Writes only to the API's own machinery (outbox,
 * rate limits, idempotency keys) pass through unguarded: they are not the request's effect.
 */

/** Tables whose writes are machinery, not a request's effect. */
const MACHINERY = new Set(["outbox", "rate_limits", "idempotency_keys"]);

/** What the wrapper needs from the middleware for the key the request holds. */
export interface KeyHold<Sealed = unknown> {
  /** The statement that aborts the batch unless this request still holds the key (put first). */
  guard(): BatchItem<"sqlite">;
  /** Seals an answer for storage. */
  seal(answer: Answer): Promise<Sealed>;
  /**
   * The statement that marks the key committed, or done with the sealed answer when one was
   * given (put last) — with `when`, done only where that condition holds after the write.
   */
  commit(answer: Sealed | undefined, when?: SQL): BatchItem<"sqlite">;
  /** After a failed write: whether the key was lost (taken over by a retry, or gone). */
  lost(): Promise<boolean>;
}

/** An answer a service knows before its write: the response's status and JSON body. */
export interface Answer {
  status: number;
  body: unknown;
  /** For a conditional write: an SQL condition that holds after the batch exactly when the write took effect. */
  when?: SQL;
}

interface RequestState {
  hold: KeyHold;
  /** What an earlier holder of the key sealed to resume from (`resumeOnCommit`), when this request resumes it. */
  resumed: string | undefined;
  root: Db;
  /** The answer given for the next write, if any. */
  answer: Answer | undefined;
  /** How many writes of this request committed (each marked the key `committed`, or `done` with its answer). */
  writes: number;
  /** The answer sealed with the last write that committed, for the middleware to compare. */
  sealed: Answer | undefined;
}

// The structural bits of drizzle's SQLite session and prepared queries the wrapper relies on
// (the same on libSQL and D1): `db.session`, `session.prepareQuery(…, queryMetadata)`,
// `session.batch(items)` calling `item._prepare()` on each, and `prepared.executeMethod`.
interface Prepared {
  executeMethod: string;
  queryMetadata?: { type: string; tables: string[] };
}
interface Preparable {
  _prepare(): Prepared;
}
interface Session {
  prepareQuery(...args: unknown[]): Prepared;
  batch(items: Preparable[]): Promise<unknown[]>;
}

const states = new WeakMap<object, RequestState>();

const isEffect = (p: Prepared): boolean => {
  const meta = p.queryMetadata;
  if (!meta || (meta.type !== "insert" && meta.type !== "update" && meta.type !== "delete")) return false;
  return meta.tables.length === 0 || meta.tables.some((t) => !MACHINERY.has(t));
};

/** The db a request holding an Idempotency-Key works with (see above). */
export function guardWrites<Sealed>(root: Db, hold: KeyHold<Sealed>, resumed?: string): Db {
  const session = (root as unknown as { session: Session }).session;
  const state: RequestState = { hold, root, resumed, answer: undefined, writes: 0, sealed: undefined };

  const runGuarded = async (items: Preparable[]): Promise<unknown[]> => {
    const answer = state.answer;
    state.answer = undefined;
    const commit = hold.commit(answer && (await hold.seal(answer)), answer?.when);
    // drizzle's batch items are the query builders; the session prepares each (`_prepare`).
    const statement = (b: BatchItem<"sqlite">) => b as unknown as Preparable;
    let results: unknown[];
    try {
      results = await session.batch([statement(hold.guard()), ...items, statement(commit)]);
    } catch (err) {
      if (await hold.lost()) {
        throw new ApiError(
          409,
          "idempotency_key_in_flight",
          "This request outlived its hold on the Idempotency-Key and a retry with the same key took it over; nothing was written by this one. Retry to get that request's answer.",
          { headers: { "retry-after": "1" } },
        );
      }
      throw err;
    }
    state.writes++;
    state.sealed = answer;
    return results.slice(1, -1);
  };

  /** A prepared single write: executing it runs it as a guarded batch of one. */
  const guardedStatement = (prepared: Prepared): Prepared =>
    new Proxy(prepared, {
      get(target, prop, receiver) {
        if (prop === "run" || prop === "all" || prop === "get") {
          // Executed as a batch item, whose result is mapped per `executeMethod`: run it with the method called.
          const asCalled = Object.create(target, { executeMethod: { value: prop } }) as Prepared;
          return async () => (await runGuarded([{ _prepare: () => asCalled }]))[0];
        }
        if (prop === "values") {
          return () => Promise.reject(new Error("`.values()` on a write is not supported in a request with an Idempotency-Key."));
        }
        return Reflect.get(target, prop, receiver);
      },
    });

  const guardedSession = new Proxy(session, {
    get(target, prop, receiver) {
      if (prop === "prepareQuery") {
        return (...args: unknown[]) => {
          const prepared = target.prepareQuery(...args);
          return isEffect(prepared) ? guardedStatement(prepared) : prepared;
        };
      }
      if (prop === "batch") {
        return (items: Preparable[]) => {
          const prepared = items.map((item) => item._prepare());
          const asItems = prepared.map((p) => ({ _prepare: () => p }));
          return prepared.some(isEffect) ? runGuarded(asItems) : target.batch(asItems);
        };
      }
      // Methods run with the proxy as `this`, so the session's own helpers (prepareOneTimeQuery…) come back here.
      return Reflect.get(target, prop, receiver);
    },
  });

  const db = new Proxy(root, {
    get(target, prop, receiver) {
      if (prop === "session") return guardedSession;
      return Reflect.get(target, prop, receiver);
    },
  });
  states.set(db, state);
  return db;
}

/**
 * Says what the request will answer if the write that follows commits: a service whose answer
 * is known before its write (a created row it built itself) calls this right before the write,
 * so the answer is sealed into the same batch and a retry after a crash between the write and
 * the response still gets it. A no-op outside a request with an Idempotency-Key. `status` and
 * `body` must be exactly what the handler answers (`c.json(body, status)`).
 *
 * A conditional write (a guarded insert that may let nothing through) passes `when`: an SQL
 * condition that holds after the batch exactly when the write took effect — for a create, that
 * the new row exists (`EXISTS (SELECT 1 FROM proposals WHERE id = …)`). The key is then done with
 * this answer only if it holds; otherwise the write's refusal is answered as usual.
 */
export function answerOnCommit(deps: Pick<Deps, "db">, status: number, body: unknown, when?: SQL): void {
  const state = states.get(deps.db);
  if (state) state.answer = { status, body, when };
}

/** The status a resume point is stored with (no HTTP answer has it). */
export const RESUME_STATUS = 0;

/**
 * For a request that writes twice (an order paid online: the hold, then its payment opened with
 * the provider), says that the write that follows is a point to resume from: it seals `id` (the
 * row the write creates) instead of an answer. A retry after a crash between the two writes —
 * once the lease ran out — takes the key over and runs the request again with
 * `resumedFrom(deps)` = `id`, so the service carries on from that row (opening the payment,
 * idempotent at the provider) instead of writing again; its last write seals the answer. With
 * `when`, as for `answerOnCommit`: only if the write took effect.
 */
export function resumeOnCommit(deps: Pick<Deps, "db">, id: string, when?: SQL): void {
  answerOnCommit(deps, RESUME_STATUS, { resume: id }, when);
}

/**
 * For a request whose effect is idempotent — run again after its write committed, it changes
 * nothing and answers the same (adding someone already in, marking read what is read) — says that
 * the write that follows may be run again: a retry after a crash between the write and the answer
 * (once the lease ran out) runs the request again instead of being told 409
 * `idempotency_key_committed`.
 */
export function rerunOnRetry(deps: Pick<Deps, "db">): void {
  resumeOnCommit(deps, "rerun");
}

/** The id an earlier holder of this request's key sealed to resume from, if this request resumes one. */
export function resumedFrom(deps: Pick<Deps, "db">): string | undefined {
  return states.get(deps.db)?.resumed;
}

/** For the middleware: how many writes committed, and the answer sealed with the last one. */
export function writeState(db: Db): { writes: number; sealed: Answer | undefined } | undefined {
  const state = states.get(db);
  return state && { writes: state.writes, sealed: state.sealed };
}

/** The database under a request's guarded db (itself for any other): for machinery keyed by the database. */
export function rootDb(db: Db): Db {
  return states.get(db)?.root ?? db;
}
