import {
  type AvailabilityQuery,
  bufferMs,
  type CreatePlace,
  freeCapacity,
  isOpenThroughout,
  newId,
  type Page,
  type Place,
  type PlaceAvailability,
  type PlaceListQuery,
  placeFieldIssues,
  priceFor,
  type SlotList,
  slotAt,
  slotsOfDay,
  type UpdatePlace,
  type Window,
} from "@gatherkit/core";
import { places } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { fromIso, toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { withImages } from "../../../platform/uploads/index.js";
import { isStaff, loadPlace, type PlaceRow, placeColumns, requireStaff, rulesOf, toPlace } from "../access.js";
import { occupiedWindows } from "../occupancy.js";

/** Column values of a place's settings (everything but ids and times). */
function settingsRow(p: CreatePlace) {
  return {
    kind: p.kind,
    name: p.name,
    description: p.description,
    address: p.address,
    lat: p.location.lat,
    lng: p.location.lng,
    timeZone: p.timeZone,
    capacity: p.capacity,
    currency: p.pricing.currency,
    priceMode: p.pricing.mode,
    price: p.pricing.mode === "slot" ? p.pricing.perSlot : p.pricing.perHour,
    dailyMax: p.pricing.mode === "hourly" ? p.pricing.dailyMax : null,
    openingHours: p.openingHours,
    features: p.features,
    images: p.images,
    active: p.active,
    slotMinutes: p.slots?.lengthMinutes ?? null,
    bufferMinutes: p.slots?.bufferMinutes ?? 0,
    horizonDays: p.horizonDays,
    leadMinutes: p.leadMinutes,
    reviewModeration: p.reviewModeration,
    onlinePayment: p.onlinePayment,
    paymentHoldMinutes: p.paymentHoldMinutes,
    freeCancellationMinutes: p.freeCancellationMinutes,
    lateRefundPercent: p.lateRefundPercent,
  };
}

export async function createPlace(deps: Deps, caller: Caller | null, input: CreatePlace): Promise<Place> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  const now = deps.now();
  const id = newId("place");
  // Uploaded images (`file_…`) are attached to the place and stored as their lasting URLs.
  return withImages(deps, staff.orgId, id, input.images, [], async (images = []) => {
    const values = { id, orgId: staff.orgId, ...settingsRow({ ...input, images }), createdAt: now, updatedAt: now };
    // A new place has no reviews; its answer is known before the write and sealed with it.
    const created = toPlace({ ...values, ratingAverage: null, ratingCount: 0 } satisfies PlaceRow);
    answerOnCommit(deps, 201, created);
    await deps.db.insert(places).values(values);
    return created;
  });
}

export async function getPlace(deps: Deps, caller: Caller | null, placeId: string): Promise<Place> {
  return toPlace(await loadPlace(deps, caller, placeId));
}

export async function listPlaces(deps: Deps, caller: Caller | null, query: PlaceListQuery): Promise<Page<Place>> {
  const who = requireCaller({ var: { caller } }, "user", "secret_key", "publishable_key", "participant");
  // Visitors and participants see active places only, whatever they ask for.
  const active = isStaff(who) ? query.active : true;
  return paginate(
    places,
    query,
    (p) =>
      deps.db
        .select(placeColumns)
        .from(places)
        .where(
          and(
            eq(places.orgId, who.orgId),
            query.kind ? eq(places.kind, query.kind) : undefined,
            active === undefined ? undefined : eq(places.active, active),
            p.where,
          ),
        )
        .orderBy(...p.orderBy)
        .limit(p.limit),
    toPlace,
  );
}

/** The place's settings as a create request, to merge an update into. */
function asSettings(place: Place): CreatePlace {
  const { id: _id, rating: _rating, createdAt: _c, updatedAt: _u, ...settings } = place;
  return settings as CreatePlace;
}

export async function updatePlace(deps: Deps, caller: Caller | null, placeId: string, patch: UpdatePlace): Promise<Place> {
  const staff = requireStaff(caller, ["owner", "admin"]);
  const current = toPlace(await loadPlace(deps, caller, placeId));
  const merged = { ...asSettings(current), ...patch } as CreatePlace;
  const issues = placeFieldIssues(merged);
  if (issues.length > 0) {
    const errors = issues.map((i) => ({ path: `body.${i.path}`, message: i.message }));
    throw new ApiError(400, "validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), { errors });
  }
  return withImages(deps, staff.orgId, placeId, patch.images, current.images, async (images = merged.images) => {
    const updated = await deps.db
      .update(places)
      .set({ ...settingsRow({ ...merged, images }), updatedAt: deps.now() })
      .where(and(eq(places.id, placeId), eq(places.orgId, staff.orgId)))
      .returning({ id: places.id });
    if (updated.length === 0) throw notFound("Place");
    return getPlace(deps, caller, placeId);
  });
}

/** What one booking of `w` would cost here: an hourly place's price, a slot place's price when `w` is one of its slots. */
export function quote(row: PlaceRow, w: Window): { amount: number; currency: string } | null {
  const rules = rulesOf(row);
  if (rules.slots) {
    const slot = slotAt(rules, w.start);
    if (!slot || slot.end !== w.end) return null;
  }
  return { amount: priceFor(rules, w), currency: rules.pricing.currency };
}

export async function availability(deps: Deps, caller: Caller | null, placeId: string, q: AvailabilityQuery): Promise<PlaceAvailability> {
  const row = await loadPlace(deps, caller, placeId);
  const w = { start: fromIso(q.start), end: fromIso(q.end) };
  const rules = rulesOf(row);
  // A booking of w would hold the place until its end plus the buffer: that is the window to check.
  const held = { start: w.start, end: w.end + bufferMs(rules) };
  const occupied = await occupiedWindows(deps.db, placeId, held.start, held.end, deps.now());
  return {
    placeId,
    start: toIso(w.start),
    end: toIso(w.end),
    capacity: row.capacity,
    freeCapacity: freeCapacity(row.capacity, occupied, held),
    open: isOpenThroughout(rules, w),
    price: quote(row, w),
  };
}

export async function daySlots(deps: Deps, caller: Caller | null, placeId: string, date: string): Promise<SlotList> {
  const row = await loadPlace(deps, caller, placeId);
  const rules = rulesOf(row);
  // A place booked by the minute has no slots (ask for its availability instead).
  if (!rules.slots) return { placeId, date, slots: [] };
  const list = slotsOfDay(rules, Date.parse(`${date}T00:00:00Z`));
  const buffer = bufferMs(rules);
  const first = list[0];
  const last = list.at(-1);
  const occupied = first && last ? await occupiedWindows(deps.db, placeId, first.start, last.end + buffer, deps.now()) : [];
  return {
    placeId,
    date,
    slots: list.map((s) => ({
      start: toIso(s.start),
      end: toIso(s.end),
      freeCapacity: freeCapacity(row.capacity, occupied, { start: s.start, end: s.end + buffer }),
    })),
  };
}
