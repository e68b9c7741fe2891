import { idempotencyKeys } from "@gatherkit/db";
import { and, eq, lt } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { sha256Hex } from "./crypto.js";
import { ApiError } from "./errors.js";
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

/**
 * `Idempotency-Key` on POST: the first request with a key claims it with an insert (the
 * primary key makes a concurrent duplicate lose, so the work happens once), runs, and stores
 * its response. A retry with the same key and body gets that response again; the same key
 * with another body is a 422; a retry while the first is still running is a 409.
 */
export const idempotency: MiddlewareHandler<AppBindings> = createMiddleware<AppBindings>(async (c, next): Promise<void> => {
  const rawKey = c.req.header(IDEMPOTENCY_HEADER);
  if (c.req.method !== "POST" || rawKey === undefined || NOT_STORED.test(c.req.path)) return void (await next());
  if (!KEY_PATTERN.test(rawKey)) {
    throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const db = c.var.db;
  const now = c.var.deps.now();
  const scope = scopeOf(c.var.caller);
  const body = await c.req.raw.clone().text();
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const sealer = await replaySealer(c.var.config.jwtSecret, scope, rawKey);
  // Only a hash of the key is stored, and responses are sealed with a key derived from the raw
  // Idempotency-Key: a copy of the database reveals no secret shown once (keys, tokens).
  const key = await sha256Hex(rawKey);

  const claimed = await db
    .insert(idempotencyKeys)
    .values({ scope, key, requestHash, status: "pending", createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });

  const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  if (claimed.length === 0) {
    const [row] = await db.select().from(idempotencyKeys).where(where).limit(1);
    if (row && now - row.createdAt > IDEMPOTENCY_TTL_MS) {
      // Expired: forget it and treat this as a first request.
      await db.delete(idempotencyKeys).where(and(where, eq(idempotencyKeys.createdAt, row.createdAt)));
      return void (await idempotency(c, next));
    }
    if (!row)
      throw new ApiError(409, "idempotency_key_in_flight", "A request with this Idempotency-Key is in progress; retry shortly.", {
        headers: { "retry-after": "1" },
      });
    if (row.requestHash !== requestHash) {
      throw new ApiError(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request. Use a new key for a new request.",
      );
    }
    if (row.status === "pending") {
      throw new ApiError(409, "idempotency_key_in_flight", "A request with this Idempotency-Key is in progress; retry shortly.", {
        headers: { "retry-after": "1" },
      });
    }
    const headers = new Headers(row.responseHeaders ?? {});
    headers.set(REPLAYED_HEADER, "true");
    const status = row.responseStatus ?? 200;
    const replayBody = row.responseBody === null || status === 204 ? null : await sealer.open(row.responseBody);
    c.res = new Response(replayBody, { status, headers });
    return;
  }

  let stored = false;
  try {
    await next();
    const res = c.res;
    // Only successes are stored. A 4xx changed nothing (bad input is refused before any write,
    // and domain refusals write nothing), so a retry may simply run again — after the client
    // fixed its request, or once the state allows it; a 5xx must be retried to do the work.
    if (res.status >= 200 && res.status < 300) {
      const headers: Record<string, string> = {};
      for (const h of ["content-type", "location"]) {
        const v = res.headers.get(h);
        if (v) headers[h] = v;
      }
      await db
        .update(idempotencyKeys)
        .set({
          status: "done",
          responseStatus: res.status,
          responseBody: await sealer.seal(await res.clone().text()),
          responseHeaders: headers,
        })
        .where(where);
      stored = true;
    }
  } finally {
    if (!stored) await db.delete(idempotencyKeys).where(where);
  }
});

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

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
