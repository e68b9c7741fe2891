import type { Remind, SendInvitations, SendResult } from "@gatherkit/core";
import { guests } from "@gatherkit/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { ApiError } from "../../../lib/errors.js";
import { answerOnCommit, resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon, email, enqueue, sms } from "../../../lib/outbox.js";
import type { Caller, Deps } from "../../../lib/types.js";
import type { EventRow } from "../access.js";
import { guestToken, invitationLink } from "./guest-links.js";
import { organizerEvent } from "./guests.service.js";
import { deadlineOf, ensureSettings, type GuestRow, icsAttachment, picksOf, type SettingsRow } from "./rsvp.js";

const PARTSTAT = { confirmed: "ACCEPTED", maybe: "TENTATIVE", declined: "DECLINED" } as const;

/** Invitations by email and SMS with each guest's personal link, re-sends, and reminders to who has not answered. */
const INVITABLE: GuestRow["status"][] = ["invited", "maybe", "confirmed", "waitlisted", "declined"];
const CHUNK = 50;

async function send(
  deps: Deps,
  event: EventRow,
  settings: SettingsRow,
  targets: GuestRow[],
  channels: ("email" | "sms")[],
  kind: "invitation" | "reminder",
  skipped: SendResult["skipped"],
): Promise<SendResult> {
  if (!settings.invitationUrl) {
    throw new ApiError(
      422,
      "invitation_url_required",
      "Set the event's invitationUrl (PATCH /v1/events/{eventId}/rsvp) to the page with <gk-rsvp> first: the invitations link to it.",
    );
  }
  const db = deps.db;
  // A retry of a send that died between its batches carries on from where it stopped: the guests
  // written carry its time (`invitedAt`), are not sent to again, and the answer is the first one's.
  const resumed = resumedSend(deps);
  const now = resumed?.at ?? deps.now();
  const on = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short", timeZone: event.timeZone }).format(event.startsAt);
  const deadline = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: event.timeZone }).format(
    deadlineOf(event, settings),
  );
  /** Each guest's messages and their `invitedAt`, in one batch: a guest is sent to whole or not at all. */
  const batches: BatchItem<"sqlite">[][] = [];
  const sentTo: string[] = [];
  let sent = 0;
  for (const g of targets) {
    const writes: BatchItem<"sqlite">[] = [];
    const link = invitationLink(settings.invitationUrl, event.id, await guestToken(deps, g));
    const byEmail = channels.includes("email") && g.email !== null;
    const bySms = channels.includes("sms") && g.phone !== null;
    if (!byEmail && !bySms) {
      skipped.push({ guestId: g.id, reason: "no_contact" });
      continue;
    }
    const lead =
      kind === "invitation"
        ? `You are invited to ${event.title} on ${on}.`
        : `A reminder: please answer your invitation to ${event.title} on ${on}.`;
    const opts = { orgId: event.orgId, now };
    const data = { eventId: event.id, guestId: g.id };
    const template = kind === "invitation" ? "rsvp_invitation" : "rsvp_reminder";
    if (byEmail && g.email) {
      writes.push(
        enqueue(
          db,
          email({
            to: g.email,
            subject: kind === "invitation" ? `Invitation: ${event.title}` : `Reminder: ${event.title}`,
            text: `Hello ${g.name},\n\n${lead}\n\nPlease answer by ${deadline}: ${link}\n`,
            // The event as a calendar invitation (iTIP REQUEST) naming the guest, so it lands in their calendar.
            // With the sessions a confirmed guest picked, each its own REQUEST.
            attachments: icsAttachment(
              deps,
              event,
              {
                name: g.name,
                email: g.email,
                status: g.status in PARTSTAT ? PARTSTAT[g.status as keyof typeof PARTSTAT] : "NEEDS-ACTION",
              },
              g.status === "confirmed" ? await picksOf(deps, g.id) : [],
            ),
            template,
            data,
          }),
          opts,
        ),
      );
      sent++;
    }
    if (bySms && g.phone) {
      writes.push(enqueue(db, sms({ to: g.phone, text: `${lead} RSVP: ${link}`.slice(0, 1600), template, data }), opts));
      sent++;
    }
    writes.push(db.update(guests).set({ invitedAt: now }).where(eq(guests.id, g.id)));
    sentTo.push(g.id);
    if (resumed === undefined || g.invitedAt !== now) batches.push(writes);
  }
  const answer = resumed?.answer ?? { sent, guestIds: sentTo, skipped };
  for (let i = 0; i < batches.length; i += CHUNK) {
    const [first, ...rest] = batches.slice(i, i + CHUNK).flat();
    if (!first) continue;
    // The last batch seals the answer; one before it, a point to resume from.
    if (i + CHUNK >= batches.length) answerOnCommit(deps, 200, answer);
    else resumeOnCommit(deps, JSON.stringify({ at: now, answer } satisfies SendPoint));
    await db.batch([first, ...rest]);
  }
  deliverSoon(deps);
  return answer;
}

interface SendPoint {
  at: number;
  answer: SendResult;
}

function resumedSend(deps: Deps): SendPoint | undefined {
  const point = resumedFrom(deps);
  return point?.startsWith("{") ? (JSON.parse(point) as SendPoint) : undefined;
}

/**
 * Sends (or re-sends) invitations by email and/or SMS with each guest's personal link (organizers):
 * to the guests listed, else to every guest not invited yet.
 */
export async function sendInvitations(deps: Deps, caller: Caller | null, eventId: string, input: SendInvitations): Promise<SendResult> {
  const event = await organizerEvent(deps, caller, eventId);
  if (event.status !== "published") throw new ApiError(409, "rsvp_closed", "Publish the event before inviting guests to it.");
  const settings = await ensureSettings(deps, event);
  const db = deps.db;
  const rows = input.guestIds
    ? await db
        .select()
        .from(guests)
        .where(and(eq(guests.eventId, event.id), inArray(guests.id, input.guestIds)))
    : await db
        .select()
        .from(guests)
        .where(and(eq(guests.eventId, event.id), sql`${guests.invitedAt} IS NULL`, eq(guests.status, "invited")))
        .orderBy(asc(guests.createdAt));
  const missing = (input.guestIds ?? []).filter((id) => !rows.some((r) => r.id === id));
  if (missing.length > 0) throw new ApiError(404, "not_found", `No guest ${missing.join(", ")} on this event.`);
  const skipped: SendResult["skipped"] = [];
  const targets = rows.filter((r) => {
    if (INVITABLE.includes(r.status)) return true;
    skipped.push({ guestId: r.id, reason: "not_invitable" });
    return false;
  });
  return send(deps, event, settings, targets, input.channels, "invitation", skipped);
}

/** Reminds every invited guest who has not answered yet (organizers). */
export async function remindGuests(deps: Deps, caller: Caller | null, eventId: string, input: Remind): Promise<SendResult> {
  const event = await organizerEvent(deps, caller, eventId);
  if (event.status !== "published") throw new ApiError(409, "rsvp_closed", "This event is not published.");
  const settings = await ensureSettings(deps, event);
  const rows = await deps.db
    .select()
    .from(guests)
    .where(and(eq(guests.eventId, event.id), eq(guests.status, "invited"), sql`${guests.invitedAt} IS NOT NULL`))
    .orderBy(asc(guests.createdAt));
  return send(deps, event, settings, rows, input.channels, "reminder", []);
}
