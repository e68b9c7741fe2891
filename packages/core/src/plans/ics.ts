import { type IcsEvent, icsSequence, writeIcs } from "../calendars/ics-writer.js";
import { formatMoney } from "../money.js";
import { type Instant, toMillis } from "../time.js";
import type { Plan } from "./schemas/plans.js";
import type { Proposal } from "./schemas/proposals.js";

/**
 * iCalendar (RFC 5545) for a plan's itinerary, written by core's one writer (`writeIcs`): one
 * all-day VEVENT for the plan's dates (when it has them) and one VEVENT per itinerary item that
 * has a start time, its times in UTC. UIDs are the ids, so a calendar that subscribes to the feed
 * updates items instead of duplicating them; SEQUENCE rises with every change (`icsSequence`).
 */
export type IcsPlan = Pick<
  Plan,
  "id" | "title" | "description" | "location" | "startDate" | "endDate" | "timeZone" | "status" | "createdAt" | "updatedAt"
>;
export type IcsItem = Pick<Proposal, "id" | "title" | "description" | "url" | "startsAt" | "endsAt" | "cost" | "createdAt" | "updatedAt">;

export interface IcsOptions {
  /** DTSTAMP: when the feed was generated. Default: now. */
  now?: Instant;
  /** Right-hand side of every UID. */
  uidDomain?: string;
}

export function icsForPlan(plan: IcsPlan, itinerary: readonly IcsItem[], opts: IcsOptions = {}): string {
  const domain = opts.uidDomain ?? "gatherkit.dev";
  const stamp = toMillis(opts.now ?? Date.now());
  const status = plan.status === "cancelled" ? "CANCELLED" : plan.status === "planning" ? "TENTATIVE" : "CONFIRMED";
  const place = plan.location;
  const events: IcsEvent[] = [];
  if (plan.startDate) {
    events.push({
      uid: `${plan.id}@${domain}`,
      sequence: icsSequence(toMillis(plan.createdAt), toMillis(plan.updatedAt)),
      stamp,
      start: { date: plan.startDate },
      // DTEND of an all-day event is exclusive: the day after the last day.
      end: { date: nextDay(plan.endDate ?? plan.startDate) },
      summary: plan.title,
      description: plan.description,
      location: place?.name ?? null,
      geo: place && place.lat !== null && place.lng !== null ? { lat: place.lat, lng: place.lng } : null,
      status,
      transparent: true,
      lastModified: toMillis(plan.updatedAt),
    });
  }
  const timed = itinerary
    .filter((i): i is IcsItem & { startsAt: string } => i.startsAt !== null)
    .sort((a, b) => toMillis(a.startsAt) - toMillis(b.startsAt) || (a.id < b.id ? -1 : 1));
  for (const item of timed) {
    const about = [
      item.description,
      item.cost
        ? `Cost: ${formatMoney(item.cost.amount, item.cost.currency)}${item.cost.kind === "per_person" ? " per person" : " in total"}`
        : "",
      item.url ?? "",
    ].filter(Boolean);
    events.push({
      uid: `${item.id}@${domain}`,
      sequence: icsSequence(toMillis(item.createdAt), toMillis(item.updatedAt)),
      stamp,
      start: toMillis(item.startsAt),
      end: item.endsAt ? toMillis(item.endsAt) : null,
      summary: item.title,
      description: about.length ? about.join("\n\n") : null,
      location: place?.name ?? null,
      url: item.url,
      status,
      lastModified: toMillis(item.updatedAt),
    });
  }
  return writeIcs({ product: "Plans", method: "PUBLISH", name: plan.title, timeZone: plan.timeZone }, events);
}

/** `2030-07-03` → `2030-07-04` */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
