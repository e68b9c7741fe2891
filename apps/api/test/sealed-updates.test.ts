import type { Client, Order } from "@gatherkit/core";
import { calendarOauthStates, idempotencyKeys, outbox } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto.js";
import { connectedClient, newClient } from "./calendar-fixtures.js";
import { crashable, SEALED_CREATES } from "./crash-fixtures.js";
import { checkoutRequest, newEvent, newTicketType } from "./event-fixtures.js";
import { expectStatus, invite, newOrg, outboxEmails, signUp, type TestOrg, uniqueEmail } from "./fixtures.js";
import { type GoogleStandIn, startGoogleStandIn } from "./google-standin.js";
import { newGuest, rsvpSettings } from "./guest-fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { loadSpec, operations } from "./openapi-walk.js";
import { asVisitor, booked, inMinutes, newPlace } from "./place-fixtures.js";
import { joinPlan, newPlan } from "./plan-fixtures.js";

/**
 * Requests that change what exists (status changes, cancels, RSVPs, check-ins, refunds,
 * registrations) survive a crash between their write and their answer, as creates do
 * (test/sealed-answers.test.ts): the retry with the same Idempotency-Key gets the answer, not 409
 * `idempotency_key_committed`, and the effect happened once.
 *
 * - An update whose answer is known before its write (the row as it will be) seals it into the
 *   write's batch (`answerOnCommit(…, when)`): the retry replays it.
 * - One that writes more than once, calls a provider, or whose answer SQL decides (a `yes` that
 *   may land on the waitlist) seals a point to resume from (`resumeOnCommit`): the retry carries
 *   on from it — asks the provider again under the same key, or reads the answer — without
 *   writing the effect again.
 * - One whose effect is outside the database (a Google Calendar event, a webhook test event in
 *   the outbox) names it by an id derived from the key: the retry runs again and finds it.
 *
 * The crash (test/crash-fixtures.ts): the first guarded batch of the request commits, then throws.
 * The retry comes after the lease ran out, as a client's would after a timeout.
 */

const LEASE_SECONDS = 5;
let skew = 0;
let t: TestApp;
let org: TestOrg;
/** Google's stand-in, for the calendars domain's POSTs. */
let g: GoogleStandIn;

beforeAll(async () => {
  g = await startGoogleStandIn();
  t = await createTestApp({ now: () => Date.now() + skew, env: { ...g.env, IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS) } });
  org = await newOrg(t);
});
afterAll(async () => {
  t.close();
  await g.close();
});

interface Request {
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** What the answer must show (and, read afterwards, that the effect happened once). */
  check(answer: Record<string, unknown>): void | Promise<void>;
}

interface Update {
  /** The operationId of the route. */
  op: string;
  name: string;
  status: number;
  /** Builds the request (creating what it needs first, without crashes). */
  setup(): Promise<Request>;
}

const json = <T>(r: { status: number; body: unknown }, status: number) => expectStatus<T>(r as unknown as Response, status);

async function pendingOrder(price = 2500) {
  const event = await newEvent(t, org);
  const type = await newTicketType(t, org, event, { price, quantity: 10 });
  const order = expectStatus<Order>(await checkoutRequest(t, org, event, [{ ticketTypeId: type.id, quantity: 2 }]), 201);
  return { event, type, order };
}

async function paidOrder() {
  const { event, type, order } = await pendingOrder();
  const url = new URL(order.payment?.checkoutUrl ?? "");
  const pay = await t.fetch("http://api.test/v1/payments/local/checkout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: url.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
  });
  expect(pay.status).toBe(200);
  return { event, type, order };
}

/** Pays a local-provider checkout URL (the embedded default's payment page). */
async function payLocally(checkoutUrl: string | null | undefined) {
  const url = new URL(checkoutUrl ?? "");
  const pay = await t.fetch("http://api.test/v1/payments/local/checkout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: url.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
  });
  expect(pay.status).toBe(200);
}

/** The SMS of `template` queued about a booking. */
const bookingSms = async (bookingId: string, template: string) =>
  (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "sms"))).filter((r) => {
    const p = r.payload as { template?: string; data?: { bookingId?: string } };
    return p.template === template && p.data?.bookingId === bookingId;
  });

const remaining = async (eventId: string) =>
  ((await call(t, "GET", `/v1/events/${eventId}/ticket-types`, { token: org.secretKey })).body.data as { remaining: number }[])[0]
    ?.remaining;

async function pastBooking() {
  const place = await newPlace(t, org);
  const booking = await booked(t, asVisitor(org), { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60 });
  skew += 26 * 3_600_000; // past the booking's end
  return booking;
}

async function approvalRequest() {
  const event = await newEvent(t, org);
  await rsvpSettings(t, org, event, { mode: "approval", capacity: 10 });
  const visitor = asVisitor(org);
  const r = await call(t, "POST", `/v1/events/${event.id}/registrations`, {
    token: visitor.token,
    headers: visitor.headers,
    body: { name: "Grace Hopper", email: `grace-${crypto.randomUUID()}@example.com` },
  });
  const reg = json<{ invitation: { guest: { id: string } } }>(r, 201);
  return { event, guestId: reg.invitation.guest.id };
}

async function guestHistory(eventId: string, guestId: string) {
  return (await call(t, "GET", `/v1/events/${eventId}/guests/${guestId}/history`, { token: org.secretKey })).body.data as unknown[];
}

async function ticketCode() {
  const { event, order } = await pendingOrder(0);
  const list = json<{ id: string }>(
    await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, { token: org.secretKey, body: { name: "Door" } }),
    201,
  );
  const code = order.tickets[0]?.code ?? "";
  return { event, list, code };
}

/** A finalize request that selects a new proposal of `plan`. */
async function selectOne(plan: { id: string }) {
  const proposal = json<{ id: string }>(
    await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body: { title: "Boat trip" } }),
    201,
  );
  return { mode: "select", proposalIds: [proposal.id] };
}

async function review() {
  const booking = await pastBooking();
  expectStatus(await call(t, "POST", `/v1/bookings/${booking.id}/complete`, { token: org.secretKey }), 200);
  return json<{ id: string }>(
    await call(t, "POST", `/v1/bookings/${booking.id}/review`, { token: booking.access?.token ?? "", body: { rating: 4 } }),
    201,
  );
}

const TEAM = "team@group.calendar.google.com";
let calendarClient: Promise<Client> | undefined;
/** A client connected to the stand-in's Google account (one, made on first use). */
const connected = () => {
  calendarClient ??= connectedClient(t, org);
  return calendarClient;
};

/** The outbox's tasks queued under `key` (a sync rule's, a job's). */
const tasksKeyed = async (key: string) =>
  (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "task"))).filter((r) => (r.payload as { key?: string }).key === key);

async function newFeed() {
  const event = await newEvent(t, org);
  return json<{ id: string; token: string; url: string }>(
    await call(t, "POST", "/v1/calendar-feeds", { token: org.secretKey, body: { subject: { type: "event", id: event.id }, label: "Ada" } }),
    201,
  );
}
/** What a feed URL answers (its path and query, on this app). */
const poll = async (url: string) => {
  const u = new URL(url);
  return (await call(t, "GET", `${u.pathname}${u.search}`)).status;
};
const feedUrl = (id: string, token: string) => `http://api.test/v1/calendar-feeds/${id}/calendar.ics?token=${token}`;

const ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Crash//Test//EN",
  "BEGIN:VEVENT",
  "UID:crash-import@example.com",
  "DTSTAMP:20300101T000000Z",
  "DTSTART:20300701T090000Z",
  "DTEND:20300701T100000Z",
  "SUMMARY:Imported",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

/** How many emails of `template` each address was sent. */
async function emailCounts(template: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email"))) {
    const p = r.payload as { to: string; template?: string };
    if (p.template === template) counts.set(p.to, (counts.get(p.to) ?? 0) + 1);
  }
  return counts;
}

/** A published event whose invitations link to a page, with `n` guests (imported) who have an email. */
async function invitableGuests(n: number) {
  const event = await newEvent(t, org);
  await rsvpSettings(t, org, event, { invitationUrl: "https://host.example/rsvp", capacity: 100 });
  const emails = Array.from({ length: n }, (_, i) => `guest-${i}-${crypto.randomUUID()}@example.com`);
  const csv = ["name,email", ...emails.map((e, i) => `Guest ${i},${e}`)].join("\n");
  const report = json<{ imported: number }>(
    await call(t, "POST", `/v1/events/${event.id}/guest-import`, { token: org.secretKey, body: { csv, mode: "all_or_nothing" } }),
    200,
  );
  expect(report.imported).toBe(n);
  return { event, emails };
}

/** Guest invitations, reminders, imports and session picks. */
const GUEST_POSTS: Update[] = [
  {
    op: "events.guests.sendInvitations",
    name: "invitations to 51 guests (two batches: the retry sends the rest, one email per guest)",
    status: 200,
    setup: async () => {
      const { event, emails } = await invitableGuests(51);
      return {
        path: `/v1/events/${event.id}/guest-invitations`,
        token: org.secretKey,
        body: { channels: ["email"] },
        check: async (a) => {
          expect(a).toMatchObject({ sent: 51, skipped: [] });
          expect(a.guestIds).toHaveLength(51);
          const counts = await emailCounts("rsvp_invitation");
          expect(emails.map((e) => counts.get(e) ?? 0)).toEqual(emails.map(() => 1));
        },
      };
    },
  },
  {
    op: "events.guests.remind",
    name: "reminders to 51 guests (two batches: the retry reminds the rest, one reminder per guest)",
    status: 200,
    setup: async () => {
      const { event, emails } = await invitableGuests(51);
      json(await call(t, "POST", `/v1/events/${event.id}/guest-invitations`, { token: org.secretKey, body: { channels: ["email"] } }), 200);
      return {
        path: `/v1/events/${event.id}/guest-reminders`,
        token: org.secretKey,
        body: { channels: ["email"] },
        check: async (a) => {
          expect(a).toMatchObject({ sent: 51 });
          const counts = await emailCounts("rsvp_reminder");
          expect(emails.map((e) => counts.get(e) ?? 0)).toEqual(emails.map(() => 1));
        },
      };
    },
  },
  {
    op: "events.guests.import",
    name: "guest import (one guest per row)",
    status: 200,
    setup: async () => {
      const event = await newEvent(t, org);
      return {
        path: `/v1/events/${event.id}/guest-import`,
        token: org.secretKey,
        body: { csv: "name,email\nAda,ada@example.com\nGrace,grace@example.com\nNobody,not-an-email\n", mode: "valid_rows" },
        check: async (a) => {
          expect(a).toMatchObject({ imported: 2, valid: 2, invalid: 1 });
          const list = (await call(t, "GET", `/v1/events/${event.id}/guests`, { token: org.secretKey })).body.data as unknown[];
          expect(list).toHaveLength(2);
        },
      };
    },
  },
  {
    op: "events.invitation.sessions.create",
    name: "session picked through the guest's link (runs again: picking it again answers it)",
    status: 200,
    setup: async () => {
      const event = await newEvent(t, org);
      await rsvpSettings(t, org, event, { capacity: 10 });
      const guest = await newGuest(t, org, event, { email: "ada@example.com" });
      json(await call(t, "POST", `/v1/events/${event.id}/invitation/${guest.token}/rsvp`, { body: { answer: "yes" } }), 200);
      const session = json<{ id: string }>(
        await call(t, "POST", `/v1/events/${event.id}/sessions`, {
          token: org.secretKey,
          body: { title: "Talk", startsAt: "2030-07-02T20:00:00Z", endsAt: "2030-07-02T21:00:00Z", capacity: 5 },
        }),
        201,
      );
      return {
        path: `/v1/events/${event.id}/invitation/${guest.token}/sessions`,
        body: { sessionId: session.id },
        check: async (a) => {
          expect(a).toMatchObject({ id: session.id, signedUp: 1 });
          const mine = (await call(t, "GET", `/v1/events/${event.id}/invitation/${guest.token}/sessions`)).body.data as unknown[];
          expect(mine).toHaveLength(1);
        },
      };
    },
  },
];

/** The calendars domain's POSTs (a client connected to the Google stand-in). */
const CALENDAR_POSTS: Update[] = [
  {
    op: "clients.create",
    name: "calendar client created",
    status: 201,
    setup: async () => {
      const name = `Crash client ${crypto.randomUUID()}`;
      return {
        path: "/v1/clients",
        token: org.secretKey,
        body: { name, email: "ops@client.example" },
        check: async (a) => {
          expect(a).toMatchObject({ name, connected: false });
          const list = (await call(t, "GET", `/v1/clients?q=${encodeURIComponent(name)}`, { token: org.secretKey })).body.data as unknown[];
          expect(list, "one client").toHaveLength(1);
        },
      };
    },
  },
  {
    op: "clients.syncRules.create",
    name: "sync rule created (with its first sync task, once)",
    status: 201,
    setup: async () => {
      const client = await connected();
      const event = await newEvent(t, org);
      return {
        path: `/v1/clients/${client.id}/sync-rules`,
        token: org.secretKey,
        body: { calendarId: TEAM, source: { type: "event", id: event.id } },
        check: async (a) => {
          expect(a).toMatchObject({ calendarId: TEAM, source: { type: "event", id: event.id } });
          const rules = (await call(t, "GET", `/v1/clients/${client.id}/sync-rules`, { token: org.secretKey })).body.data as {
            source: { id: string };
          }[];
          expect(rules.filter((r) => r.source.id === event.id)).toHaveLength(1);
          expect(await tasksKeyed(String(a.id)), "its sync queued once").toHaveLength(1);
        },
      };
    },
  },
  {
    op: "clients.jobs.create",
    name: "calendar job created (queued once)",
    status: 202,
    setup: async () => {
      const client = await newClient(t, org);
      const event = { title: "Bulk", start: { dateTime: "2030-07-01T09:00:00Z" }, end: { dateTime: "2030-07-01T10:00:00Z" } };
      return {
        path: `/v1/clients/${client.id}/jobs`,
        token: org.secretKey,
        body: { kind: "create_events", events: [{ calendarId: TEAM, event }] },
        check: async (a) => {
          expect(a).toMatchObject({ kind: "create_events", status: "queued", total: 1 });
          const jobs = (await call(t, "GET", `/v1/clients/${client.id}/jobs`, { token: org.secretKey })).body.data as unknown[];
          expect(jobs).toHaveLength(1);
          expect(await tasksKeyed(String(a.id))).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "clients.events.import",
    name: ".ics import started (one job)",
    status: 202,
    setup: async () => {
      const client = await newClient(t, org);
      return {
        path: `/v1/clients/${client.id}/calendars/${encodeURIComponent(TEAM)}/events.ics`,
        token: org.secretKey,
        body: { ics: ICS },
        check: async (a) => {
          expect(a).toMatchObject({ kind: "import_ics", total: 1 });
          const jobs = (await call(t, "GET", `/v1/clients/${client.id}/jobs`, { token: org.secretKey })).body.data as unknown[];
          expect(jobs).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "clients.connection.authorize",
    name: "connection started (the consent URL of one stored state)",
    status: 200,
    setup: async () => {
      const client = await newClient(t, org);
      return {
        path: `/v1/clients/${client.id}/connection/authorize`,
        token: org.ownerToken,
        body: { returnTo: "https://dashboard.example/clients" },
        check: async (a) => {
          expect(a.url).toEqual(expect.stringContaining("state="));
          const states = await t.deps.db.select().from(calendarOauthStates).where(eq(calendarOauthStates.clientId, client.id));
          expect(states, "one state stored").toHaveLength(1);
          const res = await fetch(String(a.url), { redirect: "manual" });
          const back = new URL(res.headers.get("location") ?? "http://x/");
          const done = await call(t, "GET", `${back.pathname}${back.search}`, { token: org.ownerToken });
          expect(done.headers.get("location"), "the answered URL connects").toContain("calendar_connection=connected");
        },
      };
    },
  },
  {
    op: "calendarFeeds.create",
    name: "calendar feed created (its URL, shown once, in the answer)",
    status: 201,
    setup: async () => {
      const event = await newEvent(t, org);
      return {
        path: "/v1/calendar-feeds",
        token: org.secretKey,
        body: { subject: { type: "event", id: event.id }, label: "Ada" },
        check: async (a) => {
          expect(await poll(String(a.url)), "the answered URL is the feed's").toBe(200);
          const feeds = (await call(t, "GET", `/v1/calendar-feeds?subjectId=${event.id}`, { token: org.secretKey })).body.data as unknown[];
          expect(feeds).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "calendarFeeds.rotate",
    name: "calendar feed rotated by the organizer (the new URL in the answer)",
    status: 200,
    setup: async () => {
      const feed = await newFeed();
      return {
        path: `/v1/calendar-feeds/${feed.id}/rotate`,
        token: org.secretKey,
        check: async (a) => {
          expect(await poll(String(a.url)), "the answered URL works").toBe(200);
          expect(await poll(feed.url), "the old one is gone").toBe(410);
        },
      };
    },
  },
  {
    op: "calendarFeeds.token.rotate",
    name: "calendar feed rotated by its URL's holder",
    status: 200,
    setup: async () => {
      const feed = await newFeed();
      return {
        path: `/v1/calendar-feeds/${feed.id}/token/rotate`,
        body: { token: feed.token },
        check: async (a) => {
          expect(await poll(feedUrl(feed.id, String(a.token))), "the answered token works").toBe(200);
          expect(await poll(feed.url)).toBe(410);
        },
      };
    },
  },
  {
    op: "calendarFeeds.token.revoke",
    name: "calendar feed revoked by its URL's holder (204)",
    status: 204,
    setup: async () => {
      const feed = await newFeed();
      return {
        path: `/v1/calendar-feeds/${feed.id}/token/revoke`,
        body: { token: feed.token },
        check: async () => expect(await poll(feed.url)).toBe(410),
      };
    },
  },
];

const UPDATES: Update[] = [
  ...(["publish", "unpublish", "cancel"] as const).map(
    (action): Update => ({
      op: `events.${action}`,
      name: `event ${action}`,
      status: 200,
      setup: async () => {
        const event = await newEvent(t, org, { publish: action !== "publish" });
        return {
          path: `/v1/events/${event.id}/${action}`,
          token: org.secretKey,
          check: (a) => expect(a.status).toBe({ publish: "published", unpublish: "unpublished", cancel: "cancelled" }[action]),
        };
      },
    }),
  ),
  {
    op: "places.bookings.complete",
    name: "booking completed",
    status: 200,
    setup: async () => {
      const booking = await pastBooking();
      return { path: `/v1/bookings/${booking.id}/complete`, token: org.secretKey, check: (a) => expect(a.status).toBe("completed") };
    },
  },
  {
    op: "places.bookings.extend",
    name: "booking extended at once (one end moved, one SMS)",
    status: 200,
    setup: async () => {
      const place = await newPlace(t, org);
      const contact = { name: "Grace", phone: "+351912345678" };
      const booking = await booked(t, asVisitor(org), { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60, contact });
      const end = new Date(Date.parse(booking.end) + 60 * 60_000).toISOString();
      return {
        path: `/v1/bookings/${booking.id}/extend`,
        token: booking.access?.token ?? "",
        body: { end },
        check: async (a) => {
          expect(a).toMatchObject({ id: booking.id, end, price: { amount: 480 } });
          expect(await bookingSms(booking.id, "place_booking_extended")).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "places.bookings.extend",
    name: "booking extension paid online (held, then its payment opened on the retry: applied once when paid)",
    status: 200,
    setup: async () => {
      const place = await newPlace(t, org, { name: "Paid garage", capacity: 1, onlinePayment: true });
      const contact = { name: "Grace", phone: "+351912345678" };
      const booking = await booked(t, asVisitor(org), { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60, contact });
      await payLocally(booking.payment?.checkoutUrl);
      const end = new Date(Date.parse(booking.end) + 60 * 60_000).toISOString();
      return {
        path: `/v1/bookings/${booking.id}/extend`,
        token: booking.access?.token ?? "",
        body: { end },
        check: async (a) => {
          expect(a).toMatchObject({ id: booking.id, end: booking.end, pendingExtension: { end, price: { amount: 240 } } });
          const payment = a.payment as { checkoutUrl?: string } | undefined;
          expect(payment?.checkoutUrl, "the answer carries the extension's payment").toEqual(expect.any(String));
          await payLocally(payment?.checkoutUrl);
          const now = json<{ end: string; price: { amount: number } }>(
            await call(t, "GET", `/v1/bookings/${booking.id}`, { token: org.secretKey }),
            200,
          );
          expect(now).toMatchObject({ end, price: { amount: 480 } });
          expect(await bookingSms(booking.id, "place_booking_extended")).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "places.bookings.cancel",
    name: "booking cancelled",
    status: 200,
    setup: async () => {
      const place = await newPlace(t, org);
      const booking = await booked(t, asVisitor(org), { placeId: place.id, start: inMinutes(t, 24 * 60), durationMinutes: 60 });
      return { path: `/v1/bookings/${booking.id}/cancel`, token: org.secretKey, check: (a) => expect(a.status).toBe("cancelled") };
    },
  },
  {
    op: "orders.cancel",
    name: "order cancelled (its tickets back on sale once)",
    status: 200,
    setup: async () => {
      const { event, order } = await pendingOrder();
      expect(await remaining(event.id)).toBe(8);
      return {
        path: `/v1/orders/${order.id}/cancel`,
        token: org.secretKey,
        check: async (a) => {
          expect(a.status).toBe("cancelled");
          expect(await remaining(event.id)).toBe(10);
        },
      };
    },
  },
  {
    op: "orders.refunds.create",
    name: "refund (asked of the provider once, the order refunded)",
    status: 201,
    setup: async () => {
      const { event, order } = await paidOrder();
      return {
        path: `/v1/orders/${order.id}/refunds`,
        token: org.secretKey,
        body: {},
        check: async (a) => {
          expect(a).toMatchObject({ orderId: order.id, amount: order.total, status: "succeeded" });
          const refunds = (await call(t, "GET", `/v1/orders/${order.id}/refunds`, { token: org.secretKey })).body.data as unknown[];
          expect(refunds).toHaveLength(1);
          const now = json<Order>(await call(t, "GET", `/v1/orders/${order.id}`, { token: org.secretKey }), 200);
          expect(now).toMatchObject({ status: "refunded", amountRefunded: order.total });
          expect(await remaining(event.id)).toBe(10);
        },
      };
    },
  },
  {
    op: "events.registrations.create",
    name: "registration (the guest, then their capacity-checked answer)",
    status: 201,
    setup: async () => {
      const event = await newEvent(t, org);
      await rsvpSettings(t, org, event, { mode: "open", capacity: 10, maxPlusOnes: 2 });
      const visitor = asVisitor(org);
      return {
        path: `/v1/events/${event.id}/registrations`,
        token: visitor.token,
        headers: visitor.headers,
        body: { name: "Grace Hopper", email: "grace@example.com", plusOnes: 1 },
        check: async (a) => {
          expect(a).toMatchObject({ invitation: { guest: { status: "confirmed", plusOnes: 1 } }, token: expect.any(String) });
          const settings = json<{ confirmed: number }>(await call(t, "GET", `/v1/events/${event.id}/rsvp`, { token: org.secretKey }), 200);
          expect(settings.confirmed, "the seats counted once").toBe(2);
        },
      };
    },
  },
  {
    op: "events.guests.rsvp",
    name: "RSVP recorded by an organizer",
    status: 200,
    setup: async () => {
      const event = await newEvent(t, org);
      await rsvpSettings(t, org, event, { capacity: 10, maxPlusOnes: 2 });
      const guest = await newGuest(t, org, event, { email: "ada@example.com" });
      return {
        path: `/v1/events/${event.id}/guests/${guest.id}/rsvp`,
        token: org.secretKey,
        body: { answer: "yes", plusOnes: 2 },
        check: async (a) => {
          expect(a).toMatchObject({ status: "confirmed", plusOnes: 2 });
          expect(await guestHistory(event.id, guest.id), "one change").toHaveLength(1);
        },
      };
    },
  },
  {
    op: "events.invitation.rsvp",
    name: "RSVP through the guest's own link",
    status: 200,
    setup: async () => {
      const event = await newEvent(t, org);
      const guest = await newGuest(t, org, event, { email: "ada@example.com" });
      return {
        path: `/v1/events/${event.id}/invitation/${guest.token}/rsvp`,
        body: { answer: "maybe" },
        check: async (a) => {
          expect(a).toMatchObject({ guest: { status: "maybe" } });
          expect(await guestHistory(event.id, guest.id), "one change").toHaveLength(1);
        },
      };
    },
  },
  ...(["approve", "decline"] as const).map(
    (action): Update => ({
      op: `events.guests.${action}`,
      name: `request to attend: ${action}`,
      status: 200,
      setup: async () => {
        const { event, guestId } = await approvalRequest();
        return {
          path: `/v1/events/${event.id}/guests/${guestId}/${action}`,
          token: org.secretKey,
          check: async (a) => {
            expect(a.status).toBe(action === "approve" ? "confirmed" : "rejected");
            expect(await guestHistory(event.id, guestId), "the request, then one decision").toHaveLength(2);
          },
        };
      },
    }),
  ),
  {
    op: "checkinLists.checkins.create",
    name: "check-in",
    status: 201,
    setup: async () => {
      const { list, code } = await ticketCode();
      return {
        path: `/v1/checkin-lists/${list.id}/checkins`,
        token: org.secretKey,
        body: { code },
        check: async (a) => {
          expect(a).toMatchObject({ target: { type: "ticket", code }, undoneAt: null });
          const live = (await call(t, "GET", `/v1/checkin-lists/${list.id}/checkins`, { token: org.secretKey })).body.data as unknown[];
          expect(live).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "checkinLists.checkins.undo",
    name: "check-in undone",
    status: 200,
    setup: async () => {
      const { list, code } = await ticketCode();
      const checkin = json<{ id: string }>(
        await call(t, "POST", `/v1/checkin-lists/${list.id}/checkins`, { token: org.secretKey, body: { code } }),
        201,
      );
      return {
        path: `/v1/checkin-lists/${list.id}/checkins/${checkin.id}/undo`,
        token: org.secretKey,
        check: (a) => expect(a).toMatchObject({ id: checkin.id, undoneAt: expect.any(String), undoneBy: expect.any(String) }),
      };
    },
  },
  ...(["complete", "cancel"] as const).map(
    (action): Update => ({
      op: `plans.${action}`,
      name: `plan ${action}`,
      status: 200,
      setup: async () => {
        const plan = await newPlan(t, org);
        const finalized = await call(t, "POST", `/v1/plans/${plan.id}/finalize`, { token: org.secretKey, body: await selectOne(plan) });
        expect(finalized.status, JSON.stringify(finalized.body)).toBe(200);
        return {
          path: `/v1/plans/${plan.id}/${action}`,
          token: org.secretKey,
          check: (a) => expect(a.status).toBe(action === "complete" ? "completed" : "cancelled"),
        };
      },
    }),
  ),
  {
    op: "plans.finalize",
    name: "plan finalized",
    status: 200,
    setup: async () => {
      const plan = await newPlan(t, org);
      return {
        path: `/v1/plans/${plan.id}/finalize`,
        token: org.secretKey,
        body: await selectOne(plan),
        check: (a) => expect(a.status).toBe("finalized"),
      };
    },
  },
  {
    op: "plans.calendar.rotate",
    name: "plan calendar URLs rotated (the caller's own URL in the answer)",
    status: 200,
    setup: async () => {
      const plan = await newPlan(t, org);
      const ada = await joinPlan(t, org, plan, "Ada");
      const before = json<{ calendarUrl: string | null }>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
      return {
        path: `/v1/plans/${plan.id}/calendar/rotate`,
        token: org.secretKey,
        check: async (a) => {
          expect(a.calendarUrl).toEqual(expect.any(String));
          const after = json<{ calendarUrl: string | null }>(await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token }), 200);
          expect(after.calendarUrl, "the participants' URLs rotated with it").not.toBe(before.calendarUrl);
        },
      };
    },
  },
  {
    op: "auth.signUp",
    name: "sign-up (the session sealed with the account)",
    status: 201,
    setup: async () => {
      const email = `crash-${crypto.randomUUID()}@example.com`;
      return {
        path: "/v1/auth/sign-up",
        body: { email, password: "correct horse battery staple", name: "Ada", organizationName: "Crash Org" },
        check: async (a) => {
          expect(a).toMatchObject({ user: { email }, role: "owner", refreshToken: expect.any(String) });
          const me = await call(t, "GET", "/v1/auth/me", { token: String(a.accessToken) });
          expect(me.status, "the sealed session works").toBe(200);
        },
      };
    },
  },
  {
    op: "auth.signIn",
    name: "sign-in (the session sealed with its refresh token)",
    status: 200,
    setup: async () => ({
      path: "/v1/auth/sign-in",
      body: { email: org.email, password: org.password },
      check: async (a) => {
        const refreshed = await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: a.refreshToken } });
        expect(refreshed.status, "the sealed refresh token is the one stored").toBe(200);
      },
    }),
  },
  {
    op: "plans.invites.join",
    name: "joining a plan (the new participant's token in the answer)",
    status: 201,
    setup: async () => {
      const plan = await newPlan(t, org);
      const invite = json<{ code: string }>(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: org.secretKey, body: {} }), 201);
      const visitor = asVisitor(org);
      return {
        path: `/v1/invites/${invite.code}/join`,
        token: visitor.token,
        headers: visitor.headers,
        body: { name: "Ada" },
        check: async (a) => {
          const plan2 = await call(t, "GET", `/v1/plans/${plan.id}`, { token: String(a.token) });
          expect(plan2.status, "the sealed token works").toBe(200);
          const people = (await call(t, "GET", `/v1/plans/${plan.id}/participants`, { token: org.secretKey })).body.data as unknown[];
          expect(people, "one participant joined").toHaveLength(1);
        },
      };
    },
  },
  {
    op: "plans.participants.add",
    name: "participant added (runs again: adding someone already in answers them)",
    status: 201,
    setup: async () => {
      const plan = await newPlan(t, org);
      return {
        path: `/v1/plans/${plan.id}/participants`,
        token: org.secretKey,
        body: { participantId: org.participant.id },
        check: (a) => expect(a).toMatchObject({ participantId: org.participant.id, role: "participant" }),
      };
    },
  },
  ...(["select", "reject", "reopen"] as const).map(
    (action): Update => ({
      op: `plans.proposals.${action}`,
      name: `proposal ${action}`,
      status: 200,
      setup: async () => {
        const plan = await newPlan(t, org);
        const proposal = json<{ id: string }>(
          await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body: { title: "Boat trip" } }),
          201,
        );
        const one = `/v1/plans/${plan.id}/proposals/${proposal.id}`;
        if (action === "reopen") expectStatus(await call(t, "POST", `${one}/reject`, { token: org.secretKey }), 200);
        return {
          path: `${one}/${action}`,
          token: org.secretKey,
          check: (a) => expect(a.status).toBe({ select: "selected", reject: "rejected", reopen: "proposed" }[action]),
        };
      },
    }),
  ),
  {
    op: "plans.proposals.commit",
    name: "place taken in a proposal (runs again, answers created)",
    status: 201,
    setup: async () => {
      const plan = await newPlan(t, org);
      const ada = await joinPlan(t, org, plan, "Ada");
      const proposal = json<{ id: string }>(
        await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body: { title: "Boat trip", capacity: 3 } }),
        201,
      );
      return {
        path: `/v1/plans/${plan.id}/proposals/${proposal.id}/commitment`,
        token: ada.token,
        check: (a) => expect(a).toMatchObject({ id: proposal.id, takenCount: 1 }),
      };
    },
  },
  ...(["hide", "unhide"] as const).map(
    (verb): Update => ({
      op: `plans.messages.${verb}`,
      name: `chat message ${verb}`,
      status: 200,
      setup: async () => {
        const plan = await newPlan(t, org);
        const ada = await joinPlan(t, org, plan, "Ada");
        const m = json<{ id: string }>(
          await call(t, "POST", `/v1/plans/${plan.id}/messages`, { token: ada.token, body: { body: "spam" } }),
          201,
        );
        const one = `/v1/plans/${plan.id}/messages/${m.id}`;
        if (verb === "unhide") expectStatus(await call(t, "POST", `${one}/hide`, { token: org.secretKey }), 200);
        return {
          path: `${one}/${verb}`,
          token: org.secretKey,
          check: (a) => expect([a.id, a.body, a.hiddenAt === null]).toEqual([m.id, "spam", verb === "unhide"]),
        };
      },
    }),
  ),
  {
    op: "places.reviews.moderate",
    name: "review moderated",
    status: 200,
    setup: async () => {
      const r = await review();
      return {
        path: `/v1/reviews/${r.id}/moderate`,
        token: org.secretKey,
        body: { status: "approved" },
        check: (a) => expect(a).toMatchObject({ id: r.id, status: "approved" }),
      };
    },
  },
  {
    op: "places.reviews.reply",
    name: "review replied to",
    status: 200,
    setup: async () => {
      const r = await review();
      return {
        path: `/v1/reviews/${r.id}/reply`,
        token: org.secretKey,
        body: { text: "Thank you!" },
        check: (a) => expect(a).toMatchObject({ id: r.id, reply: { text: "Thank you!" } }),
      };
    },
  },
  {
    op: "webhookEndpoints.rotateSecret",
    name: "webhook signing secret rotated (the new secret, shown once, in the answer)",
    status: 200,
    setup: async () => {
      const endpoint = json<{ id: string }>(
        await call(t, "POST", "/v1/webhook-endpoints", {
          token: org.secretKey,
          body: { url: "https://hooks.example.com/gatherkit", eventTypes: ["*"] },
        }),
        201,
      );
      return {
        path: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
        token: org.secretKey,
        body: {},
        check: async (a) => {
          expect(a.secret).toEqual(expect.stringMatching(/^whsec_/));
          const now = json<{ secretPrefix: string }>(
            await call(t, "GET", `/v1/webhook-endpoints/${endpoint.id}`, { token: org.secretKey }),
            200,
          );
          expect(String(a.secret).startsWith(now.secretPrefix), "the secret answered is the one stored").toBe(true);
        },
      };
    },
  },
  {
    op: "uploads.create",
    name: "upload created (its signed URL in the answer)",
    status: 201,
    setup: async () => ({
      path: "/v1/uploads",
      token: org.secretKey,
      body: { contentType: "image/png", size: 1000 },
      check: async (a) => {
        expect(a).toMatchObject({ id: expect.any(String), upload: { method: "PUT", url: expect.any(String) } });
        expect((await call(t, "GET", `/v1/uploads/${a.id}`, { token: org.secretKey })).status).toBe(200);
      },
    }),
  },
  {
    op: "organization.members.add",
    name: "member invited (one invitation, one email)",
    status: 202,
    setup: async () => {
      const email = uniqueEmail("invitee");
      return {
        path: "/v1/organization/members",
        token: org.ownerToken,
        body: { email, role: "staff" },
        check: async (a) => {
          expect(a).toMatchObject({ email, role: "staff" });
          expect(await outboxEmails(t, email, "member_invitation")).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "organization.invitations.accept",
    name: "invitation accepted",
    status: 201,
    setup: async () => {
      const email = uniqueEmail("joiner");
      const { token } = await invite(t, org.ownerToken, email, "staff");
      const person = await signUp(t, { email });
      return {
        path: "/v1/member-invitations/accept",
        token: person.accessToken,
        body: { token },
        check: (a) => expect(a).toMatchObject({ organization: { id: org.org.id }, member: { email, role: "staff" } }),
      };
    },
  },
  {
    op: "auth.passwordReset.request",
    name: "password reset asked (one link emailed)",
    status: 202,
    setup: async () => {
      const person = await signUp(t);
      return {
        path: "/v1/auth/password-reset",
        body: { email: person.email },
        check: async (a) => {
          expect(a.message).toEqual(expect.any(String));
          expect(await outboxEmails(t, person.email, "password_reset")).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "auth.passwordReset.confirm",
    name: "new password set with a reset link (204)",
    status: 204,
    setup: async () => {
      const person = await signUp(t);
      expect((await call(t, "POST", "/v1/auth/password-reset", { body: { email: person.email } })).status).toBe(202);
      const token = (await outboxEmails(t, person.email, "password_reset")).at(-1)?.data.token;
      return {
        path: "/v1/auth/password-reset/confirm",
        body: { token, password: "a brand new passphrase" },
        check: async () => {
          const signedIn = await call(t, "POST", "/v1/auth/sign-in", { body: { email: person.email, password: "a brand new passphrase" } });
          expect(signedIn.status).toBe(200);
        },
      };
    },
  },
  {
    op: "events.ticketTypes.waitlist.join",
    name: "waiting list joined",
    status: 201,
    setup: async () => {
      const event = await newEvent(t, org);
      const type = await newTicketType(t, org, event, { price: 0, quantity: 1 });
      expectStatus(await checkoutRequest(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]), 201);
      const visitor = asVisitor(org);
      return {
        path: `/v1/events/${event.id}/ticket-types/${type.id}/waitlist`,
        token: visitor.token,
        headers: visitor.headers,
        body: { name: "Grace Hopper", email: "grace@example.com", quantity: 1 },
        check: async (a) => {
          expect(a).toMatchObject({ status: "waiting", leaveToken: expect.any(String) });
          const list = (await call(t, "GET", `/v1/events/${event.id}/waitlist`, { token: org.secretKey })).body.data as unknown[];
          expect(list).toHaveLength(1);
        },
      };
    },
  },
  {
    op: "waitlist.leave",
    name: "waiting list left (runs again: leaving again answers the entry)",
    status: 200,
    setup: async () => {
      const event = await newEvent(t, org);
      const type = await newTicketType(t, org, event, { price: 0, quantity: 1 });
      expectStatus(await checkoutRequest(t, org, event, [{ ticketTypeId: type.id, quantity: 1 }]), 201);
      const visitor = asVisitor(org);
      const entry = json<{ id: string; leaveToken: string }>(
        await call(t, "POST", `/v1/events/${event.id}/ticket-types/${type.id}/waitlist`, {
          token: visitor.token,
          headers: visitor.headers,
          body: { name: "Grace Hopper", email: "grace@example.com", quantity: 1 },
        }),
        201,
      );
      return {
        path: `/v1/waitlist-entries/${entry.id}/leave`,
        body: { token: entry.leaveToken },
        check: (a) => expect(a).toMatchObject({ id: entry.id, status: "left" }),
      };
    },
  },
  ...GUEST_POSTS,
  ...CALENDAR_POSTS,
];

describe("an update that died right after its write answers its retry", () => {
  it.each(UPDATES)("$name ($op)", async ({ setup, status }) => {
    const { path, token, body, headers, check } = await setup();
    const crash = crashable(t);
    const key = `crash-${crypto.randomUUID()}`;
    const send = () => crash.send("POST", path, token, body, key, headers);

    crash.arm();
    const first = await send();
    expect(first.status, await first.clone().text()).toBe(500);
    expect(crash.fired, "the request made a guarded write").toBe(true);

    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await send();
    const answer = (status === 204 ? {} : await retry.json()) as Record<string, unknown>;
    expect(retry.status, JSON.stringify(answer)).toBe(status);
    await check(answer);

    // The same answer every time after.
    const again = await send();
    const replayed = status === 204 ? {} : await again.json();
    expect([again.status, again.headers.get("idempotent-replayed"), replayed]).toEqual([status, "true", answer]);
  });
});

/** Crash-tested below, each in its own way (not a crash right after a guarded write). */
const OWN_CRASHES = ["clients.events.create", "webhookEndpoints.sendTest"];

describe("a create written to Google that died before its answer", () => {
  it("calendar event (clients.events.create): the retry finds its event at Google by the id derived from the key — one event", async () => {
    const client = await connected();
    const title = `Crash ${crypto.randomUUID()}`;
    const path = `/v1/clients/${client.id}/calendars/${encodeURIComponent(TEAM)}/events`;
    const body = { title, start: { dateTime: "2030-07-01T09:00:00Z" }, end: { dateTime: "2030-07-01T10:00:00Z" } };
    const crash = crashable(t);
    const key = `crash-${crypto.randomUUID()}`;
    const send = () => crash.send("POST", path, org.secretKey, body, key);
    const ours = () => g.eventsOf(TEAM).filter((e) => e.summary === title);

    // The process dies once Google created the event, before the API read Google's answer.
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      if (init?.method !== "POST" || !new URL(String(input)).pathname.endsWith("/events")) return res;
      globalThis.fetch = realFetch;
      const dying = new ReadableStream({ start: (c) => c.error(new Error("the process died")) });
      return new Response(dying, { status: res.status, headers: res.headers });
    };
    let first: Response;
    try {
      first = await send();
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(first.status, await first.clone().text()).toBe(500);
    expect(ours(), "Google has the event").toHaveLength(1);

    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await send();
    const answer = (await retry.json()) as Record<string, unknown>;
    expect(retry.status, JSON.stringify(answer)).toBe(201);
    expect(answer).toMatchObject({ title, calendarId: TEAM, id: ours()[0]?.id });
    expect(ours(), "one event at Google").toHaveLength(1);

    const again = await send();
    expect([again.status, again.headers.get("idempotent-replayed"), await again.json()]).toEqual([201, "true", answer]);
    expect(ours()).toHaveLength(1);
  });
});

describe("a request that writes only the outbox, dead before storing its answer", () => {
  it("test event to a webhook endpoint (webhookEndpoints.sendTest): the retry queues no second test event", async () => {
    const endpoint = json<{ id: string }>(
      await call(t, "POST", "/v1/webhook-endpoints", {
        token: org.secretKey,
        body: { url: "https://hooks.example.com/test", eventTypes: ["*"] },
      }),
      201,
    );
    const key = `crash-${crypto.randomUUID()}`;
    const send = () =>
      call(t, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`, { token: org.secretKey, headers: { "idempotency-key": key } });
    const testEvents = async () =>
      (await t.deps.db.select().from(outbox).where(eq(outbox.kind, "webhook"))).filter(
        (r) => (r.payload as { endpointId: string }).endpointId === endpoint.id,
      );

    const first = json<Record<string, unknown>>(await send(), 202);
    expect(await testEvents()).toHaveLength(1);
    // What the process leaves when it dies after queuing (the outbox is machinery: the key was not
    // marked carried out) and before storing the answer: the key pending, its holder gone.
    await t.deps.db
      .update(idempotencyKeys)
      .set({
        status: "pending",
        holder: "dead",
        leaseExpiresAt: t.deps.now(),
        responseStatus: null,
        responseBody: null,
        responseHeaders: null,
      })
      .where(and(eq(idempotencyKeys.scope, `org:${org.org.id}`), eq(idempotencyKeys.key, await sha256Hex(key))));

    skew += LEASE_SECONDS * 1000 + 1;
    const retry = await send();
    expect(retry.headers.get("idempotent-replayed"), "the retry ran again").toBeNull();
    expect(json(retry, 202), "the same event answered").toEqual(first);
    expect(await testEvents(), "one test event queued").toHaveLength(1);

    const again = await send();
    expect([again.status, again.headers.get("idempotent-replayed"), again.body]).toEqual([202, "true", first]);
  });
});

/**
 * Every other POST (the only method that runs under an Idempotency-Key; PUT, PATCH and DELETE
 * set a state and are retried as they are) and how a crash between its write and its answer
 * ends for it. A new POST fails the test below until it is crash-tested above (or in
 * sealed-answers) or listed here with its reason.
 */
const NOT_CRASH_TESTED: Record<string, string> = {
  // Nothing of the request's own is written: a retry simply runs again.
  "realtime.tokens.create": "writes nothing (signs a room token)",
  "places.quote": "writes nothing (a signed quote)",
  "clients.events.importPreview": "writes nothing (a dry run of the import: parsed and checked, nothing queued)",
  "auth.refresh": "never stored (NOT_STORED: the token rides in a cookie)",
  "auth.signOut": "never stored (NOT_STORED)",
  "notifications.smsStatus": "provider callback, deduplicated by the provider's message id; sends no key",
  "notifications.emailEvents": "provider callback, deduplicated by the event id; sends no key",
  "payments.webhook": "provider callback, deduplicated by the event id; sends no key",
  "webhookEndpoints.resend": "writes only the outbox (machinery): the key is never committed, a retry runs again and queues the event once",
  // Covered by the same mechanism as tested routes, not crashed here.
  "inbox.read": "rerunOnRetry (marking read what is read answers it)",
  "inbox.readAll": "resumes: counts what its write marked",
  "uploads.complete": "rerunOnRetry (completing a completed upload answers it)",
  "push.subscriptions.create": "rerunOnRetry (an upsert by endpoint)",
  "events.invitation.pushSubscribe": "rerunOnRetry (the same upsert)",
  "unsubscribe.create": "rerunOnRetry (recording the opt-out again is a no-op)",
  "notifications.suppressions.lift": "answerOnCommit with the lift's row",
  "events.guests.rotateLink": "answerOnCommit with the guest's new link (one guarded update)",
  // No known gaps: every other POST answers its retry after a crash (tested above).
};

it("every POST in the document is crash-tested (here or in sealed-answers) or listed with its reason", async () => {
  const posts = operations(await loadSpec(t))
    .filter((o) => o.method === "post")
    .map((o) => o.op.operationId ?? o.name);
  const tested = new Set([...SEALED_CREATES, ...UPDATES.map((u) => u.op), ...OWN_CRASHES]);
  const untested = posts.filter((op) => !tested.has(op));
  expect(untested.sort()).toEqual(Object.keys(NOT_CRASH_TESTED).sort());
  expect(posts.filter((op) => tested.has(op)).sort(), "every crash-tested operation is in the document").toEqual([...tested].sort());
});
