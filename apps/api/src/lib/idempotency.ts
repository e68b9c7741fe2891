import { idempotencyKeys } from "@gatherkit/db";
import { type AnyColumn, and, eq, isNull, lt, sql } from "drizzle-orm";
import type { Context, Next } from "hono";
import { sha256Hex } from "./crypto.js";
import { ApiError } from "./errors.js";
import { guardWrites, RESUME_STATUS, writeState } from "./idempotent-writes.js";
import type { AppBindings, Caller, Deps } from "./types.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotent-replayed";
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/**
 * Refresh and sign-out are not stored for replay: their body may be empty (the token rides in a
 * cookie), so the request hash would not bind a replay to the token. Sign-up and sign-in are
 * stored: their body (with the password) is part of the hash a replay must match.
 */
const NOT_STORED = /^\/v1\/auth\/(refresh|sign-out)$/;
/** Stored responses are kept a day: long enough for any client's retries. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Whose keys a request's key is among: the organization it acts in and who acts. A person who
 * belongs to two organizations has two scopes (the same key in each is two requests); every
 * secret key of an organization shares one, since a secret key acts as the organization itself
 * (a retry after rotating the key is still the same request).
 */
export function scopeOf(caller: Caller | null): string {
  if (!caller) return "anonymous";
  switch (caller.kind) {
    case "user":
      return `org:${caller.orgId}/user:${caller.userId}`;
    case "secret_key":
      return `org:${caller.orgId}`;
    case "publishable_key":
      return `org:${caller.orgId}/pk:${caller.keyId}`;
    case "participant":
      return `org:${caller.orgId}/ptc:${caller.participantId}`;
  }
}

/** The headers a stored response keeps (besides the body and status). */
const STORED_HEADERS = ["content-type", "location"];

// Retry-After stays 1 even under a long lease: the holder usually answers within milliseconds.
const inFlight = () =>
  new ApiError(409, "idempotency_key_in_flight", "A request with this Idempotency-Key is in progress; retry shortly.", {
    headers: { "retry-after": "1" },
  });

/**
 * `Idempotency-Key` on POST. The first request with a key claims it (an insert; the primary key
 * makes a concurrent duplicate lose) as its holder for a short lease, runs with its writes bound
 * to the key (lib/idempotent-writes.ts: the write aborts unless it still holds the key, and marks
 * the key committed in the same batch), then stores its response. A retry with the same key and
 * body gets that response again; the same key with another body is a 422; a retry while the
 * first still holds its lease is a 409 `idempotency_key_in_flight`; a retry after the lease ran
 * out without a write (the holder died or is stuck) takes the key over and runs the request.
 */
export const idempotency = async (c: Context<AppBindings>, next: Next): Promise<void> => {
  const rawKey = c.req.header(IDEMPOTENCY_HEADER);
  if (c.req.method !== "POST" || rawKey === undefined || NOT_STORED.test(c.req.path)) return void (await next());
  if (!KEY_PATTERN.test(rawKey)) {
    throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const db = c.get("db");
  const deps = c.get("deps");
  const now = deps.now();
  const leaseMs = c.get("config").idempotencyLeaseSeconds * 1000;
  const scope = scopeOf(c.get("caller"));
  const body = await c.req.raw.clone().text();
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const sealer = await replaySealer(c.get("config").jwtSecret, scope, rawKey);
  // Only a hash of the key is stored, and responses are sealed with a key derived from the raw
  // Idempotency-Key: a copy of the database reveals no secret shown once (keys, tokens).
  const key = await sha256Hex(rawKey);
  const holder = crypto.randomUUID();
  const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  const held = and(where, eq(idempotencyKeys.holder, holder));

  /** Set when this request resumes one that died after writing a point to resume from. */
  let resumeFrom: string | undefined;
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ scope, key, requestHash, status: "pending", holder, leaseExpiresAt: now + leaseMs, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });

  if (claimed.length === 0) {
    const [row] = await db.select().from(idempotencyKeys).where(where).limit(1);
    if (row && now - row.createdAt > IDEMPOTENCY_TTL_MS) {
      // Expired: forget it and treat this as a first request.
      await db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.createdAt, row.createdAt)));
      return void (await idempotency(c, next));
    }
    if (!row) throw inFlight();
    if (row.requestHash !== requestHash) {
      throw new ApiError(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request. Use a new key for a new request.",
      );
    }
    if (row.status === "done" && row.responseStatus !== RESUME_STATUS) {
      const headers = new Headers(row.responseHeaders ?? {});
      headers.set(REPLAYED_HEADER, "true");
      const status = row.responseStatus ?? 200;
      const replayBody = row.responseBody === null || status === 204 ? null : await sealer.open(row.responseBody);
      c.res = new Response(replayBody, { status, headers });
      return;
    }
    if (row.status === "committed") {
      // Its holder may be storing the answer right now: until its lease ends, it is in flight.
      if ((row.leaseExpiresAt ?? 0) > now) throw inFlight();
      throw new ApiError(
        409,
        "idempotency_key_committed",
        "The request with this Idempotency-Key was carried out, but the server stopped before it could store the answer. " +
          "Do not repeat it under a new key: read the resource it created or changed to see the result.",
      );
    }
    // Pending, or done with a point to resume from (`resumeOnCommit`: the request wrote its first
    // write and died, or is still running). While its holder's lease runs it may still write;
    // once the lease is over, a write of the old holder can no longer commit (its guard checks
    // the holder), so the key is taken over and the request runs again — resuming from that
    // point, if there is one.
    const leaseEnd = row.leaseExpiresAt ?? 0;
    if (leaseEnd > now) throw inFlight();
    if (row.status === "done") {
      const point = row.responseBody === null ? {} : (JSON.parse(await sealer.open(row.responseBody)) as { resume?: unknown });
      if (typeof point.resume !== "string") throw inFlight();
      resumeFrom = point.resume;
    }
    const takenOver = await db
      .update(idempotencyKeys)
      .set({ holder, leaseExpiresAt: now + leaseMs })
      .where(
        and(
          where,
          eq(idempotencyKeys.status, row.status),
          row.status === "done" ? eq(idempotencyKeys.responseStatus, RESUME_STATUS) : undefined,
          row.holder === null ? isNull(idempotencyKeys.holder) : eq(idempotencyKeys.holder, row.holder),
        ),
      )
      .returning({ key: idempotencyKeys.key });
    if (takenOver.length === 0) throw inFlight();
  }

  const guarded = guardWrites(
    db,
    {
      // INSERT … (scope, key, request_hash = <this holder's hash, else NULL>) ON CONFLICT DO NOTHING:
      // while this request holds the key, the row exists and the insert is a no-op; otherwise the
      // NULL fails request_hash's NOT NULL constraint, which rolls back the whole batch.
      guard: () =>
        db
          .insert(idempotencyKeys)
          .values({
            scope,
            key,
            requestHash: sql`(SELECT ${idempotencyKeys.requestHash} FROM ${idempotencyKeys} WHERE ${held})`,
            status: "pending",
            createdAt: 0,
          })
          .onConflictDoNothing(),
      seal: async (answer) =>
        answer.status === 204
          ? { responseStatus: 204, responseBody: null, responseHeaders: {} }
          : storedResponse(sealer, answer.status, JSON.stringify(answer.body), JSON_HEADERS),
      commit: (answer, when) => {
        const committed = sql`CASE WHEN ${idempotencyKeys.status} = 'pending' THEN 'committed' ELSE ${idempotencyKeys.status} END`;
        if (!answer) return db.update(idempotencyKeys).set({ status: committed }).where(held);
        if (!when)
          return db
            .update(idempotencyKeys)
            .set({ status: "done", ...answer })
            .where(held);
        // A conditional write: done with the answer where it took effect; where it did not, nothing
        // was written, so the key stays pending and the refusal (or a retry) decides.
        const ifWritten = (value: unknown, column: AnyColumn) => sql`CASE WHEN ${when} THEN ${value} ELSE ${column} END`;
        return db
          .update(idempotencyKeys)
          .set({
            status: ifWritten("done", idempotencyKeys.status),
            responseStatus: ifWritten(answer.responseStatus, idempotencyKeys.responseStatus),
            responseBody: ifWritten(answer.responseBody, idempotencyKeys.responseBody),
            responseHeaders: ifWritten(JSON.stringify(answer.responseHeaders), idempotencyKeys.responseHeaders),
          })
          .where(held);
      },
      lost: async () => (await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(held).limit(1)).length === 0,
    },
    resumeFrom,
  );
  c.set("db", guarded);
  c.set("deps", { ...deps, db: guarded });

  let settled = false;
  try {
    await next();
    const res = c.res;
    // Only successes are stored. A 4xx changed nothing (bad input is refused before any write,
    // and domain refusals write nothing), so a retry may simply run again — after the client
    // fixed its request, or once the state allows it; a 5xx must be retried to do the work.
    if (res.status >= 200 && res.status < 300) {
      const headers: Record<string, string> = {};
      for (const h of STORED_HEADERS) {
        const v = res.headers.get(h);
        if (v) headers[h] = v;
      }
      const text = await res.clone().text();
      const { sealed, writes } = writeState(guarded) ?? { sealed: undefined, writes: 0 };
      const resumePoint = sealed?.status === RESUME_STATUS;
      const sealedText = sealed?.status === 204 ? "" : JSON.stringify(sealed?.body);
      const differs = sealed !== undefined && !resumePoint && (sealed.status !== res.status || sealedText !== text);
      if (differs) c.get("logger").error("idempotency: the answer sealed with the write differs from the response", { path: c.req.path });
      // Stored already when the answer was sealed with the (only) write; otherwise store it now.
      if (!sealed || resumePoint || differs || writes !== 1 || headers.location) {
        await db
          .update(idempotencyKeys)
          .set({ status: "done", ...(await storedResponse(sealer, res.status, text, headers)) })
          .where(held);
      }
      settled = true;
    }
  } finally {
    c.set("db", db);
    c.set("deps", deps);
    // Not stored: release the key. A 4xx wrote nothing even when a guarded write ran (its guards
    // let nothing through, e.g. voting closed), so its retry runs again. After a 5xx (or a throw)
    // the key is kept if a write committed under it: a retry must not run the request twice, it is
    // told the request was carried out (or gets the answer sealed with the write).
    if (!settled) {
      const refused = c.res.status >= 400 && c.res.status < 500;
      await db.delete(idempotencyKeys).where(refused ? held : and(held, eq(idempotencyKeys.status, "pending")));
    }
  }
};

const JSON_HEADERS = { "content-type": "application/json" };

async function storedResponse(sealer: Sealer, status: number, text: string, headers: Record<string, string>) {
  return { responseStatus: status, responseBody: await sealer.seal(text), responseHeaders: headers };
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

type Sealer = Awaited<ReturnType<typeof replaySealer>>;

/** AES-GCM with a key derived from the server secret, the caller's scope and the raw Idempotency-Key. */
async function replaySealer(secret: string, scope: string, rawKey: string) {
  const material = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${secret}\0${scope}\0${rawKey}`));
  const aes = await crypto.subtle.importKey("raw", material, "AES-GCM", false, ["encrypt", "decrypt"]);
  return {
    async seal(text: string): Promise<string> {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aes, new TextEncoder().encode(text)));
      return `v1.${b64(iv)}.${b64(ct)}`;
    },
    async open(sealed: string): Promise<string> {
      const [, iv, ct] = sealed.split(".");
      const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv ?? "") }, aes, unb64(ct ?? ""));
      return new TextDecoder().decode(pt);
    },
  };
}

/** Deletes idempotency keys older than IDEMPOTENCY_TTL_MS (they are only honoured that long). */
export async function pruneIdempotencyKeys(deps: Pick<Deps, "db" | "now">): Promise<number> {
  const cutoff = deps.now() - IDEMPOTENCY_TTL_MS;
  const deleted = await deps.db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, cutoff))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}
