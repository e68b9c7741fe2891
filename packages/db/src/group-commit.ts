import { setImmediate } from "node:timers";
import type { Client, InArgs, InStatement, Replicated, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/**
 * Group commit for a local libSQL file: write batches that arrive in the same turn of the event
 * loop share one transaction, and so one `BEGIN`/`COMMIT` and one write of each page they touch.
 *
 * A batch is the API's unit of a write (one `db.batch` = one transaction, see guarded-write.ts in
 * the API). On a local file every commit appends each page it dirtied to the WAL and, every
 * thousand pages, checkpoints: for a ticket hold (an order row, its line, three counters, the
 * realtime outbox row, each with their indexes) the commit was the costliest statement, about a
 * third of the database's time. Concurrent checkouts touch the same pages (the event's and the
 * type's rows, the tables' last leaves), so committing them together writes those pages once.
 *
 * The semantics of each batch are those of its own transaction:
 * - its statements run in order and see the writes of every batch committed before it was queued,
 *   as if the batches had run one after another (they do, on one connection);
 * - it is answered only after the shared `COMMIT`, so nobody learns of a write that is not
 *   committed, and no caller can depend on a batch that is still queued;
 * - if any statement of the group fails, the whole group is rolled back and each batch is then
 *   run again alone, in order, so the failure lands on its own batch only and the others commit
 *   exactly as they would have — a guarded statement that writes nothing is not a failure, only
 *   an error is (a constraint, a busy database), and errors are rare, so the retry costs nothing
 *   on the hot path.
 * Each batch still begins with whatever `changes()` the previous statement on the connection
 * left, as before: no batch of the API reads `changes()` before its own first write.
 *
 * Read-only batches (`"read"` mode) and everything else the client does (`execute`,
 * `transaction`, `migrate`) pass through unchanged. A batch waits for `setImmediate` (the end of
 * the current turn) before it runs, so others that reach their write in the same turn join it; at
 * rest that is the only cost. It is `node:timers`' own, which a test's fake timers (installed on
 * the global object) do not replace, so they cannot stall the database.
 */
export function groupCommits(client: Client): Client {
  return new GroupCommitClient(client);
}

type Statement = InStatement | [string, InArgs?];
type Pending = {
  stmts: Statement[];
  mode: TransactionMode;
  resolve: (rs: ResultSet[]) => void;
  reject: (err: unknown) => void;
};

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: unknown; rawCode?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code);
};

/** The client with `batch` grouped; every other member is the inner client's. */
class GroupCommitClient implements Client {
  readonly #inner: Client;
  #queue: Pending[] = [];

  constructor(inner: Client) {
    this.#inner = inner;
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  get protocol(): string {
    return this.#inner.protocol;
  }

  batch(stmts: Statement[], mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    if (mode === "read" || stmts.length === 0 || this.#inner.closed) return this.#inner.batch(stmts, mode);
    return new Promise<ResultSet[]>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => void this.#flush());
      this.#queue.push({ stmts, mode, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const group = this.#queue;
    this.#queue = [];
    if (group.length === 1) {
      await this.#alone(group[0] as Pending);
      return;
    }
    let results: ResultSet[];
    try {
      // "write" (BEGIN IMMEDIATE) if any batch asked for it: the group takes the write lock up front.
      const mode = group.some((p) => p.mode === "write") ? "write" : "deferred";
      results = await this.#inner.batch(
        group.flatMap((p) => p.stmts),
        mode,
      );
    } catch (err) {
      // Another process kept the file locked past the busy timeout: every batch would wait again.
      if (isBusy(err)) {
        for (const p of group) p.reject(err);
        return;
      }
      // Rolled back whole: each batch again on its own, in order, so only the one at fault fails.
      for (const p of group) await this.#alone(p);
      return;
    }
    let at = 0;
    for (const p of group) {
      p.resolve(results.slice(at, at + p.stmts.length));
      at += p.stmts.length;
    }
  }

  #alone(p: Pending): Promise<void> {
    return this.#inner.batch(p.stmts, p.mode).then(p.resolve, p.reject);
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    return typeof stmtOrSql === "string" ? this.#inner.execute(stmtOrSql, args) : this.#inner.execute(stmtOrSql);
  }

  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#inner.migrate(stmts);
  }

  transaction(mode?: TransactionMode): Promise<Transaction> {
    return this.#inner.transaction(mode);
  }

  executeMultiple(sql: string): Promise<void> {
    return this.#inner.executeMultiple(sql);
  }

  sync(): Promise<Replicated> {
    return this.#inner.sync();
  }

  close(): void {
    this.#inner.close();
  }

  reconnect(): void {
    this.#inner.reconnect();
  }
}
