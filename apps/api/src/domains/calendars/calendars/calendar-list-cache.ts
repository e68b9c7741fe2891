import type { Calendar } from "@gatherkit/core";
import type { Deps } from "../../../lib/types.js";
import type { Target } from "../access.js";

/**
 * A client's calendar list, kept in this process's memory (on Workers: this isolate's) for
 * CALENDAR_LIST_TTL_SECONDS. One cache per app (per `deps`), keyed by organization and client, so
 * another organization never reads it. An entry belongs to one connection: the `connectedAt` it was
 * listed under. Connecting again gives a new `connectedAt`, and a connection that is not `valid`
 * (disconnected, marked invalid) is never served from here — both read from the database on each
 * request, so they take effect in every process at once; this process also drops the entry
 * outright when it changes the connection.
 */

interface Entry {
  connectedAt: number;
  fetchedAt: number;
  data: Calendar[];
}

/** Enough for every client an isolate serves in a minute; the oldest entry goes first. */
const MAX_ENTRIES = 2000;
const caches = new WeakMap<Deps, Map<string, Entry>>();

const keyOf = (t: Target) => `${t.orgId}\u0000${t.clientId}`;

function cacheOf(deps: Deps): Map<string, Entry> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new Map();
    caches.set(deps, cache);
  }
  return cache;
}

/** The cached list of the connection made at `connectedAt`, and its age (ms), while it is fresh. */
export function cachedCalendars(deps: Deps, t: Target, connectedAt: number): { data: Calendar[]; ageMs: number } | undefined {
  const ttlMs = deps.config.calendars.calendarListTtlSeconds * 1000;
  const entry = caches.get(deps)?.get(keyOf(t));
  if (!entry || ttlMs <= 0) return undefined;
  const ageMs = deps.now() - entry.fetchedAt;
  if (entry.connectedAt !== connectedAt || ageMs < 0 || ageMs >= ttlMs) {
    caches.get(deps)?.delete(keyOf(t));
    return undefined;
  }
  return { data: entry.data, ageMs };
}

export function rememberCalendars(deps: Deps, t: Target, connectedAt: number, fetchedAt: number, data: Calendar[]): void {
  if (deps.config.calendars.calendarListTtlSeconds <= 0) return;
  const cache = cacheOf(deps);
  const key = keyOf(t);
  cache.delete(key);
  cache.set(key, { connectedAt, fetchedAt, data });
  while (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (oldest.done) break;
    cache.delete(oldest.value);
  }
}

/** Drops the client's cached list (its connection changed). */
export function forgetCalendars(deps: Deps, t: Target): void {
  caches.get(deps)?.delete(keyOf(t));
}
