import type { OpeningHours, Place, PlaceRules } from "@gatherkit/core";
import { type Db, placeReviews, places } from "@gatherkit/db";
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { requireCaller } from "../../lib/auth.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { rootDb } from "../../lib/idempotent-writes.js";
import { toIso } from "../../lib/time.js";
import type { Caller, Deps } from "../../lib/types.js";

export type PlaceRow = typeof places.$inferSelect & { ratingAverage: number | null; ratingCount: number };

/** The realtime room of a place. */
export const placeRoom = (placeId: string) => `place:${placeId}`;

/** Organization staff: an organizer session or a secret key. */
export const isStaff = (caller: Caller): caller is Extract<Caller, { kind: "user" | "secret_key" }> =>
  caller.kind === "user" || caller.kind === "secret_key";

/** Staff who may manage bookings and reviews (any role), or the organization's secret key. */
export function requireStaff(caller: Caller | null, roles: ("owner" | "admin" | "staff")[] = ["owner", "admin", "staff"]) {
  const c = requireCaller({ var: { caller } }, "user", "secret_key");
  if (c.kind === "user" && !roles.includes(c.role))
    throw new ApiError(403, "permission_denied", `This action needs the ${roles.join(" or ")} role.`);
  return c;
}

/**
 * Columns of a place with its rating: the mean and count of its approved reviews, read with it.
 * (Written with the table names: in a select list drizzle leaves columns unqualified, which
 * inside the subquery would name the review's own `id`.)
 */
const approved = sql`FROM ${placeReviews} AS r WHERE r.place_id = ${places}.id AND r.status = 'approved'`;
export const placeColumns = {
  ...getTableColumns(places),
  ratingAverage: sql<number | null>`(SELECT avg(r.rating) ${approved})`,
  ratingCount: sql<number>`(SELECT count(*) ${approved})`,
};

/** The place read of `loadPlace` (every booking makes it), built once per database handle with placeholders, from the root handle. */
function preparePlaceRead(db: Db) {
  return db
    .select(placeColumns)
    .from(places)
    .where(and(eq(places.id, sql.placeholder("placeId")), eq(places.orgId, sql.placeholder("orgId"))))
    .limit(1)
    .prepare();
}
const placeReads = new WeakMap<Db, ReturnType<typeof preparePlaceRead>>();
export function placeRead(deps: Deps): ReturnType<typeof preparePlaceRead> {
  const root = rootDb(deps.db);
  let read = placeReads.get(root);
  if (!read) {
    read = preparePlaceRead(root);
    placeReads.set(root, read);
  }
  return read;
}

/**
 * The place if the caller may see it: any caller of its organization (a publishable key too:
 * places are public to a site's visitors), but an inactive place only for staff. Anything else,
 * another organization's place included, is 404.
 */
export async function loadPlace(deps: Deps, caller: Caller | null, placeId: string): Promise<PlaceRow> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "publishable_key", "participant");
  const [row] = await placeRead(deps).all({ placeId, orgId: who.orgId });
  if (!row || (!row.active && !isStaff(who))) throw notFound("Place");
  return row;
}

/** What the booking rules need from a place row. */
export function rulesOf(row: typeof places.$inferSelect): PlaceRules {
  return {
    timeZone: row.timeZone,
    pricing:
      row.priceMode === "slot"
        ? { mode: "slot", currency: row.currency, perSlot: row.price }
        : { mode: "hourly", currency: row.currency, perHour: row.price, dailyMax: row.dailyMax },
    openingHours: (row.openingHours as OpeningHours | null) ?? null,
    slots: row.slotMinutes === null ? null : { lengthMinutes: row.slotMinutes, bufferMinutes: row.bufferMinutes },
    horizonDays: row.horizonDays,
    leadMinutes: row.leadMinutes,
  };
}

export function toPlace(row: PlaceRow): Place {
  const rules = rulesOf(row);
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    address: row.address as Place["address"],
    location: { lat: row.lat, lng: row.lng },
    timeZone: row.timeZone,
    capacity: row.capacity,
    pricing: rules.pricing,
    openingHours: rules.openingHours,
    features: row.features as Place["features"],
    images: row.images,
    active: row.active,
    slots: rules.slots,
    horizonDays: row.horizonDays,
    leadMinutes: row.leadMinutes,
    reviewModeration: row.reviewModeration,
    onlinePayment: row.onlinePayment,
    paymentHoldMinutes: row.paymentHoldMinutes,
    freeCancellationMinutes: row.freeCancellationMinutes,
    lateRefundPercent: row.lateRefundPercent,
    rating: {
      average: row.ratingAverage === null ? null : Math.round(Number(row.ratingAverage) * 100) / 100,
      count: Number(row.ratingCount),
    },
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
