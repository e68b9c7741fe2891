import {
  boundingBox,
  bufferMs,
  distanceKm,
  freeCapacity,
  isOpenThroughout,
  type Page,
  type PlaceSearchQuery,
  type PlaceSearchResult,
  type Window,
} from "@gatherkit/core";
import { placeBookings, places } from "@gatherkit/db";
import { and, between, eq, or, type SQL, sql } from "drizzle-orm";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError } from "../../../lib/errors.js";
import { fromIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { placeColumns, rulesOf, toPlace } from "../access.js";
import { occupiedUntilSql, occupyingIn } from "../occupancy.js";
import { quote } from "../places/places.service.js";

/** Most places one search looks at inside its box (the nearest are not guaranteed past this; narrow the radius). */
export const SEARCH_CANDIDATES_MAX = 1000;
/** The longest buffer a place may have, to read the bookings that may hold any candidate over the window. */
const MAX_BUFFER_MS = 720 * 60_000;

type Key = [number, number, string];

function encodeKey(k: Key): string {
  return btoa(JSON.stringify(k)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function decodeKey(cursor: string): Key {
  try {
    const k = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))) as unknown;
    if (Array.isArray(k) && k.length === 3 && typeof k[0] === "number" && typeof k[1] === "number" && typeof k[2] === "string") {
      return k as Key;
    }
  } catch {}
  const message = "is not a cursor from this search: pass the nextCursor of the previous page unchanged, with the same query";
  throw new ApiError(400, "validation_failed", `query.cursor: ${message}`, { errors: [{ path: "query.cursor", message }] });
}
const before = (a: Key, b: Key) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);

/**
 * Places near a point. The box (latitude range on the `(org_id, lat, lng)` index, then the
 * longitude ranges) finds the candidates without a scan of the organization's places; the exact
 * distance drops the box's corners. With a window, the bookings that may hold any candidate over
 * it are read in one query (joined on the same box, so no id list whatever the count) and each
 * place's free capacity is the exact rule of its availability.
 */
export async function searchPlaces(deps: Deps, caller: Caller | null, q: PlaceSearchQuery): Promise<Page<PlaceSearchResult>> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "publishable_key", "participant");
  const center = { lat: q.lat, lng: q.lng };
  const box = boundingBox(center, q.radiusKm);
  const conditions: (SQL | undefined)[] = [
    eq(places.orgId, who.orgId),
    eq(places.active, true),
    between(places.lat, box.lat[0], box.lat[1]),
    or(...box.lng.map(([lo, hi]) => between(places.lng, lo, hi))),
    q.kind ? eq(places.kind, q.kind) : undefined,
    ...(q.features ?? []).map((f) => sql`EXISTS (SELECT 1 FROM json_each(${places.features}) WHERE json_each.value = ${f})`),
  ];
  const where = and(...conditions);
  const rows = await deps.db.select(placeColumns).from(places).where(where).limit(SEARCH_CANDIDATES_MAX);
  const near = rows
    .map((row) => ({ row, distance: distanceKm(center, { lat: row.lat, lng: row.lng }) }))
    .filter((r) => r.distance <= q.radiusKm);

  const w: Window | null = q.start && q.end ? { start: fromIso(q.start), end: fromIso(q.end) } : null;
  const occupied = new Map<string, Window[]>();
  const now = deps.now();
  if (w && near.length > 0) {
    const held = await deps.db
      .select({ placeId: placeBookings.placeId, start: placeBookings.startsAt, end: occupiedUntilSql(placeBookings, now) })
      .from(placeBookings)
      .innerJoin(places, eq(places.id, placeBookings.placeId))
      .where(and(where, occupyingIn(w.start, w.end + MAX_BUFFER_MS, now)));
    for (const b of held) occupied.set(b.placeId, [...(occupied.get(b.placeId) ?? []), b]);
  }

  let results = near.map(({ row, distance }) => {
    if (!w) return { row, distance, free: null, open: true, price: null };
    const rules = rulesOf(row);
    const free = freeCapacity(row.capacity, occupied.get(row.id) ?? [], { start: w.start, end: w.end + bufferMs(rules) });
    return { row, distance, free, open: isOpenThroughout(rules, w), price: quote(row, w) };
  });
  if (q.available) results = results.filter((r) => r.free !== null && r.free >= 1 && r.open && r.price !== null);

  const keyOf = (r: (typeof results)[number]): Key =>
    q.sort === "price" ? [r.price?.amount ?? Number.MAX_SAFE_INTEGER, r.distance, r.row.id] : [r.distance, 0, r.row.id];
  const sorted = results.map((r) => ({ r, key: keyOf(r) })).sort((a, b) => before(a.key, b.key));
  const after = q.cursor === undefined ? undefined : decodeKey(q.cursor);
  const rest = after ? sorted.filter((s) => before(s.key, after) > 0) : sorted;
  const page = rest.slice(0, q.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ r }) => ({
      place: toPlace(r.row),
      distanceKm: Math.round(r.distance * 1000) / 1000,
      freeCapacity: r.free,
      price: r.price,
    })),
    nextCursor: rest.length > q.limit && last ? encodeKey(last.key) : null,
  };
}
