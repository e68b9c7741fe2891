import { DomainError } from "../errors.js";
import { DAY_MS, localDay, localParts, zonedInstant } from "./zoned.js";

/**
 * The pure rules of bookable places: the price of a window, opening hours, slot alignment,
 * availability (the most bookings at any one instant) and distances. Times are epoch
 * milliseconds; local rules (days, opening hours, slots) are read in the place's IANA time zone.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local opening interval, `HH:MM`–`HH:MM` (close may be `24:00`; open before close). */
export interface HoursInterval {
  open: string;
  close: string;
}

export interface OpeningHours {
  /** Per weekday; an empty list is closed all day. */
  weekly: Record<Weekday, HoursInterval[]>;
  /** Dates (`YYYY-MM-DD`, local) whose hours replace the weekday's (a holiday: `[]`). */
  exceptions: { date: string; hours: HoursInterval[] }[];
}

export type Pricing =
  | { mode: "hourly"; currency: string; perHour: number; dailyMax: number | null }
  | { mode: "slot"; currency: string; perSlot: number };

export interface SlotSettings {
  /** Length of one slot in minutes; a slot booking is exactly one slot. */
  lengthMinutes: number;
  /** Minutes kept free after each booking (cleaning, changeover). */
  bufferMinutes: number;
}

/** What the booking rules need to know of a place. */
export interface PlaceRules {
  timeZone: string;
  pricing: Pricing;
  /** null: open around the clock. */
  openingHours: OpeningHours | null;
  /** null: booked by the minute (parking); otherwise by slot. */
  slots: SlotSettings | null;
  /** A booking may start at most this many days ahead. */
  horizonDays: number;
  /** A booking must start at least this many minutes from now. */
  leadMinutes: number;
}

export interface Window {
  start: number;
  end: number;
}

/** How far a start may lie in the past and still count as "now" (clocks, slow networks). */
export const START_GRACE_MS = 5 * 60_000;

export const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes a booking keeps the place busy after its end. */
export const bufferMs = (rules: Pick<PlaceRules, "slots">): number => (rules.slots?.bufferMinutes ?? 0) * 60_000;

/** Price of `perHour` for `ms` milliseconds, pro rata to the millisecond, rounded up to a whole minor unit. */
function proRata(perHour: number, ms: number): number {
  return Number((BigInt(perHour) * BigInt(ms) + 3_599_999n) / 3_600_000n);
}

/**
 * The price of an hourly window: pro rata per minute, each local calendar day (in the place's
 * zone: a 23- or 25-hour DST day is one day) charged at most `dailyMax`.
 */
export function hourlyPrice(pricing: { perHour: number; dailyMax: number | null }, w: Window, timeZone: string): number {
  let total = 0;
  let cur = w.start;
  while (cur < w.end) {
    const nextMidnight = zonedInstant(localDay(cur, timeZone) + DAY_MS, 0, timeZone);
    const pieceEnd = Math.min(w.end, Math.max(nextMidnight, cur + 1));
    const piece = proRata(pricing.perHour, pieceEnd - cur);
    total += pricing.dailyMax === null ? piece : Math.min(piece, pricing.dailyMax);
    cur = pieceEnd;
  }
  return total;
}

/** The price of booking `w` at a place (a slot place: one slot's price). */
export function priceFor(rules: Pick<PlaceRules, "pricing" | "timeZone">, w: Window): number {
  return rules.pricing.mode === "slot" ? rules.pricing.perSlot : hourlyPrice(rules.pricing, w, rules.timeZone);
}

/** The opening intervals of one local day (`day`: its UTC-midnight epoch) as instants, in order. */
export function openIntervals(rules: Pick<PlaceRules, "openingHours" | "timeZone">, day: number): Window[] {
  const tz = rules.timeZone;
  const hours = rules.openingHours;
  if (hours === null) return [{ start: zonedInstant(day, 0, tz), end: zonedInstant(day + DAY_MS, 0, tz) }];
  const date = new Date(day).toISOString().slice(0, 10);
  const exception = hours.exceptions.find((e) => e.date === date);
  const list = exception ? exception.hours : hours.weekly[WEEKDAYS[new Date(day).getUTCDay()] ?? "sun"];
  return list
    .map((i) => ({
      start: zonedInstant(day, minuteOf(i.open), tz),
      end: minuteOf(i.close) === 1440 ? zonedInstant(day + DAY_MS, 0, tz) : zonedInstant(day, minuteOf(i.close), tz),
    }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
}

/** Whether the place is open at every instant of `w` (intervals that touch, e.g. across midnight, join). */
export function isOpenThroughout(rules: Pick<PlaceRules, "openingHours" | "timeZone">, w: Window): boolean {
  if (rules.openingHours === null) return true;
  const intervals: Window[] = [];
  for (let day = localDay(w.start, rules.timeZone) - DAY_MS; day <= localDay(w.end, rules.timeZone); day += DAY_MS) {
    intervals.push(...openIntervals(rules, day));
  }
  intervals.sort((a, b) => a.start - b.start);
  let covered = w.start;
  for (const i of intervals) {
    if (i.start > covered) break;
    if (i.end > covered) covered = i.end;
    if (covered >= w.end) return true;
  }
  return covered >= w.end;
}

/**
 * The slot windows of one local day: from each opening interval's start, one slot every
 * `length + buffer` minutes of local time while the slot ends by the interval's close.
 */
export function slotsOfDay(rules: Pick<PlaceRules, "openingHours" | "timeZone" | "slots">, day: number): Window[] {
  const slots = rules.slots;
  if (!slots) return [];
  const tz = rules.timeZone;
  const hours = rules.openingHours;
  const local: { open: number; close: number }[] = [];
  if (hours === null) local.push({ open: 0, close: 1440 });
  else {
    const date = new Date(day).toISOString().slice(0, 10);
    const exception = hours.exceptions.find((e) => e.date === date);
    const list = exception ? exception.hours : hours.weekly[WEEKDAYS[new Date(day).getUTCDay()] ?? "sun"];
    for (const i of list) local.push({ open: minuteOf(i.open), close: minuteOf(i.close) });
  }
  const out: Window[] = [];
  for (const i of local) {
    for (let m = i.open; m + slots.lengthMinutes <= i.close; m += slots.lengthMinutes + slots.bufferMinutes) {
      const start = zonedInstant(day, m, tz);
      const end = m + slots.lengthMinutes === 1440 ? zonedInstant(day + DAY_MS, 0, tz) : zonedInstant(day, m + slots.lengthMinutes, tz);
      if (end > start) out.push({ start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The slot of a slot place that starts at `start`, or null when `start` is not on the grid. */
export function slotAt(rules: Pick<PlaceRules, "openingHours" | "timeZone" | "slots">, start: number): Window | null {
  return slotsOfDay(rules, localDay(start, rules.timeZone)).find((s) => s.start === start) ?? null;
}

/**
 * The window a booking asks for, as the rules settle it: an hourly place takes `start` plus
 * `durationMinutes` (real minutes, so a DST change shortens no one's stay), a slot place the
 * slot starting at `start`. Throws the rule that refuses it: 422 `slot_misaligned`,
 * `booking_too_late`, `window_too_far_ahead`, `place_closed`.
 */
export function bookingWindow(rules: PlaceRules, input: { start: number; durationMinutes?: number | undefined }, now: number): Window {
  let w: Window;
  if (rules.slots) {
    const slot = slotAt(rules, input.start);
    if (!slot)
      throw new DomainError(
        422,
        "slot_misaligned",
        "The start is not the start of one of this place's slots: pick one from its slots list.",
      );
    if (input.durationMinutes !== undefined && input.durationMinutes !== rules.slots.lengthMinutes) {
      throw new DomainError(422, "slot_misaligned", `A booking here is one slot of ${rules.slots.lengthMinutes} minutes.`);
    }
    w = slot;
  } else {
    if (input.durationMinutes === undefined)
      throw new DomainError(400, "validation_failed", "body.durationMinutes: required for a place booked by the hour");
    w = { start: input.start, end: input.start + input.durationMinutes * 60_000 };
  }
  if (w.start < now + rules.leadMinutes * 60_000 - START_GRACE_MS) {
    throw new DomainError(
      422,
      "booking_too_late",
      rules.leadMinutes > 0 ? `Bookings must start at least ${rules.leadMinutes} minutes from now.` : "The start is in the past.",
    );
  }
  if (w.start > now + rules.horizonDays * DAY_MS) {
    throw new DomainError(422, "window_too_far_ahead", `Bookings may start at most ${rules.horizonDays} days ahead.`);
  }
  if (!isOpenThroughout(rules, w)) throw new DomainError(422, "place_closed", "The place is not open for the whole window.");
  return w;
}

/**
 * The most windows of `occupied` that overlap at any one instant of `w` (half-open windows: one
 * ending when another starts do not overlap). The count only rises at a start, so it is enough
 * to look at `w.start` and at every start inside `w`.
 */
export function maxOverlap(occupied: readonly Window[], w: Window): number {
  const points = [w.start, ...occupied.filter((o) => o.start > w.start && o.start < w.end).map((o) => o.start)];
  let best = 0;
  for (const p of points) {
    let n = 0;
    for (const o of occupied) if (o.start <= p && o.end > p) n++;
    if (n > best) best = n;
  }
  return best;
}

/** Free capacity over all of `w`: capacity less the most bookings at one instant (never below 0). */
export const freeCapacity = (capacity: number, occupied: readonly Window[], w: Window): number =>
  Math.max(0, capacity - maxOverlap(occupied, w));

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A latitude/longitude box holding every point within `radiusKm` of `center` (for an indexed
 * range query before the exact distance). `lng` is one range, or two when the box crosses the
 * antimeridian; near a pole every longitude.
 */
export function boundingBox(center: { lat: number; lng: number }, radiusKm: number): { lat: [number, number]; lng: [number, number][] } {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const minLat = center.lat - dLat;
  const maxLat = center.lat + dLat;
  if (minLat <= -90 || maxLat >= 90) return { lat: [Math.max(-90, minLat), Math.min(90, maxLat)], lng: [[-180, 180]] };
  // The widest longitude span is at the latitude farthest from the equator inside the box.
  const widest = Math.max(Math.abs(minLat), Math.abs(maxLat));
  const dLng = Math.min(180, (radiusKm / (EARTH_RADIUS_KM * Math.cos(rad(widest)))) * (180 / Math.PI));
  const lo = center.lng - dLng;
  const hi = center.lng + dLng;
  if (dLng >= 180) return { lat: [minLat, maxLat], lng: [[-180, 180]] };
  if (lo < -180)
    return {
      lat: [minLat, maxLat],
      lng: [
        [lo + 360, 180],
        [-180, hi],
      ],
    };
  if (hi > 180)
    return {
      lat: [minLat, maxLat],
      lng: [
        [lo, 180],
        [-180, hi - 360],
      ],
    };
  return { lat: [minLat, maxLat], lng: [[lo, hi]] };
}

export { DAY_MS, localDay, localParts, zonedInstant };
