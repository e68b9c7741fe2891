import { createECDH } from "node:crypto";
import {
  type Booking,
  type ChatMessage,
  type Checkin,
  type CheckinList,
  type Client,
  type CreatedUpload,
  type CreatedWebhookEndpoint,
  type DiscountCode,
  type Expense,
  type GuestWithLink,
  newId,
  type Order,
  type Payment,
  type Proposal,
  type PushSubscriptionInfo,
  type Refund,
  type Registration,
  type Review,
  type WaitlistEntry,
} from "@gatherkit/core";
import { calendarSyncRules, checkins, inboxItems, localMessages, webhookDeliveries } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { deliverOutbox } from "../src/lib/outbox.js";
import { notificationWrites } from "../src/platform/notifications/notify.js";
import { unsubscribeToken } from "../src/platform/notifications/unsubscribe.service.js";
import { consent } from "./calendar-fixtures.js";
import { checkout, newEvent, newQuota, newTicketType } from "./event-fixtures.js";
import {
  addMember,
  expectStatus,
  invite as inviteMember,
  newOrg,
  TEST_ORIGIN,
  type TestMember,
  type TestOrg,
  uniqueEmail,
} from "./fixtures.js";
import { call, type TestApp } from "./harness.js";
import { idsIn } from "./openapi-walk.js";
import { booked, newPlace } from "./place-fixtures.js";
import { joinPlan, newInvite, newPlan } from "./plan-fixtures.js";

/**
 * An organization with ONE OBJECT OF EVERY KIND, for the tenant-isolation harness
 * (test/tenant-isolation.test.ts). That harness calls every operation with a path parameter
 * using another organization's credentials on this organization's ids, picking the id by its
 * prefix (`pk_…` for a `{id}` typed `idSchema("publishableKey")`). It fails when an operation
 * takes an id of a kind this fixture does not create.
 *
 * The contract fuzz (test/contract-fuzz.test.ts) uses the same organization, offering these ids
 * in paths and bodies so that operations on the new kind reach their success answers too.
 *
 * When you add a domain: create one of each new object here (through the API, with the helpers
 * in fixtures.ts), put it in `objects`, and add any string that names it in a request body to
 * `references` (for example its realtime room, `plan:${plan.id}`). A path parameter that is not a
 * prefixed id (an invite `{code}`) gets its value from `pathValues`, by parameter name.
 */
export interface IsolationOrg extends TestOrg {
  admin: TestMember;
  /** Every object created, as the API answered it; the harness collects the ids from it. */
  objects: Record<string, unknown>;
  /** Strings that name this organization's objects inside request bodies (room names, …). */
  references: string[];
  /** Values for path parameters that are not prefixed ids, by parameter name (`{ code: invite.code }`). */
  pathValues: Record<string, string>;
  /** Values for required query parameters, by name (a search's `lat`/`lng`, an availability window's `start`/`end`). */
  queryValues: Record<string, string>;
  /** Secrets and tokens that must never appear in another organization's answers. */
  secrets: string[];
  /**
   * How this organization's callers authenticate, one entry per kind of credential (add a new
   * kind of caller here: the isolation harness attacks with each, the contract fuzz sends with each).
   */
  credentials: { name: string; headers: Record<string, string> }[];
}

/**
 * `google`: the app's Google endpoints are a stand-in (test/google-standin.ts, one account per
 * consent): the client is connected, gets an event, and its sync rule is made through the API.
 */
export async function isolationOrg(t: TestApp, name: string, opts: { google?: boolean } = {}): Promise<IsolationOrg> {
  const org = await newOrg(t, { organizationName: name });
  const admin = await addMember(t, org, "admin");
  // A pending member invitation (its token exists only in the outbox email).
  const invitation = await inviteMember(t, org.ownerToken, uniqueEmail("pending"), "staff");
  const objects: Record<string, unknown> = {
    organization: org.org,
    owner: org.user,
    adminMember: admin.member,
    memberInvitation: invitation.invitation,
    secretKey: { id: org.secretKeyId },
    publishableKey: { id: org.publishableKeyId },
    participant: org.participant,
  };
  // The invitation's email is a notification of its own: its id is in the delivery log (from the moment it is queued).
  const log = expectStatus<{ data: { notificationId: string | null }[] }>(
    await call(t, "GET", "/v1/notifications/deliveries?channel=email", { token: org.secretKey }),
    200,
  );
  objects.notification = { id: log.data.find((d) => d.notificationId)?.notificationId };
  const plan = await newPlan(t, org, { title: `${name} trip` });
  objects.plan = plan;
  objects.proposal = expectStatus<Proposal>(
    await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body: { title: "Boat tour", capacity: 4 } }),
    201,
  );
  // An email's unsubscribe link (its `{token}` path parameter is not an id: see pathValues), opened and used once.
  const unsubscribe = await unsubscribeToken(t.deps, {
    orgId: org.org.id,
    recipient: `${name.toLowerCase()}@example.com`,
    kind: "plan_invite",
  });
  expectStatus(await call(t, "GET", `/v1/unsubscribe/${unsubscribe}`), 200);
  expectStatus(await call(t, "POST", `/v1/unsubscribe/${unsubscribe}`), 200);
  // Costs and chat: a participant of the plan records an expense, a payment to another, a message.
  const [pat, quinn] = [await joinPlan(t, org, plan, "Pat"), await joinPlan(t, org, plan, "Quinn")];
  const asPat = (what: string, body: unknown) => call(t, "POST", `/v1/plans/${plan.id}/${what}`, { token: pat.token, body });
  objects.expense = expectStatus<Expense>(
    await asPat("expenses", { description: "Taxi", amount: 4200, currency: plan.currency, split: { mode: "equal" } }),
    201,
  );
  objects.payment = expectStatus<Payment>(
    await asPat("payments", { toParticipantId: quinn.participantId, amount: 1000, currency: plan.currency }),
    201,
  );
  objects.message = expectStatus<ChatMessage>(await asPat("messages", { body: "See you at the airport" }), 201);
  // Invites and memberships: an invite link (its `{code}` path parameter is not an id: see pathValues) and Pat's membership.
  const invite = await newInvite(t, org, plan, { maxUses: 1000 });
  objects.invite = invite;
  objects.planParticipant = pat.participant;
  // Notifications: an inbox item for the participant (as a plan notification writes it) and a push subscription of theirs.
  const writes = await notificationWrites(
    t.deps.db,
    {
      orgId: org.org.id,
      recipientId: org.participant.id,
      kind: "plan_finalized",
      title: `${name} trip is on`,
      body: "Finalized.",
      // Its email, recorded by the local provider, is the organization's local outbox message.
      email: { to: "pat@example.com", subject: `${name} trip is on`, text: "Finalized." },
    },
    t.deps.now(),
  );
  const [first, ...rest] = writes;
  await t.deps.db.batch([first!, ...rest]);
  const [item] = await t.deps.db.select().from(inboxItems).where(eq(inboxItems.recipientId, org.participant.id));
  objects.inboxItem = { id: item!.id };
  for (let i = 0; i < 100 && !objects.localMessage; i++) {
    await deliverOutbox(t.deps, { maxBatches: 1 });
    const [m] = await t.deps.db.select({ id: localMessages.id }).from(localMessages).where(eq(localMessages.orgId, org.org.id));
    if (m) objects.localMessage = m;
  }
  objects.pushSubscription = expectStatus<PushSubscriptionInfo>(
    await call(t, "POST", "/v1/push/subscriptions", { token: org.participantToken, body: testPushSubscription(name) }),
    201,
  );
  // Webhooks: an endpoint (on a port nothing listens on) and its log of one failed delivery, of
  // the plan.updated a new plan causes.
  const { secret: webhookSecret, ...webhookEndpoint } = expectStatus<CreatedWebhookEndpoint>(
    await call(t, "POST", "/v1/webhook-endpoints", {
      token: org.secretKey,
      body: { url: "http://127.0.0.1:9/hook", eventTypes: ["plan.updated"] },
    }),
    201,
  );
  objects.webhookEndpoint = webhookEndpoint;
  await newPlan(t, org, { title: `${name} hooked trip` });
  for (let i = 0; i < 100 && !objects.webhookDelivery; i++) {
    await deliverOutbox(t.deps, { maxBatches: 1 });
    const [d] = await t.deps.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, webhookEndpoint.id));
    if (d) objects.webhookDelivery = d;
  }
  // Uploads: an image, uploaded to the local store and completed.
  const upload = expectStatus<CreatedUpload>(
    await call(t, "POST", "/v1/uploads", { token: org.secretKey, body: { contentType: "image/gif", size: 12 } }),
    201,
  );
  const put = await t.fetch(upload.upload.url, { method: "PUT", headers: { "content-type": "image/gif" }, body: "GIF89a\x01\0\x01\0\0\0" }); // a 1×1 GIF header
  if (put.status !== 200) throw new Error(`the upload PUT answered ${put.status}`);
  objects.upload = expectStatus(await call(t, "POST", `/v1/uploads/${upload.id}/complete`, { token: org.secretKey }), 200);
  // Events: a published event with a ticket type, a quota over it and a pending order holding one ticket.
  const event = await newEvent(t, org, { title: `${name} concert`, capacity: 1000 });
  objects.event = event;
  const ticketType = await newTicketType(t, org, event, { quantity: 500, maxPerOrder: 10 });
  objects.ticketType = ticketType;
  objects.quota = await newQuota(t, org, event, 400, [ticketType.id]);
  objects.order = await checkout(t, org, event, [{ ticketTypeId: ticketType.id, quantity: 1 }]);
  // A paid order (through the local provider's checkout page) with its ticket, checked in on a
  // check-in list; a discount code; a refund of part of the order.
  const toPay = await checkout(t, org, event, [{ ticketTypeId: ticketType.id, quantity: 2 }]);
  const payUrl = new URL(toPay.payment?.checkoutUrl ?? "");
  const paid = await t.fetch("http://api.test/v1/payments/local/checkout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: payUrl.searchParams.get("token") ?? "", outcome: "pay" }).toString(),
  });
  if (paid.status !== 200) throw new Error(`paying the isolation order answered ${paid.status}`);
  objects.paidOrder = expectStatus<Order>(await call(t, "GET", `/v1/orders/${toPay.id}`, { token: org.secretKey }), 200);
  const paidTickets = (objects.paidOrder as Order).tickets;
  objects.ticket = paidTickets[0];
  objects.refund = expectStatus<Refund>(
    await call(t, "POST", `/v1/orders/${toPay.id}/refunds`, { token: org.secretKey, body: { amount: 100 } }),
    201,
  );
  objects.discountCode = expectStatus<DiscountCode>(
    await call(t, "POST", `/v1/events/${event.id}/discount-codes`, {
      token: org.secretKey,
      body: { code: `${name.replace(/[^A-Za-z0-9]/g, "")}10`, kind: "percent", value: 10 },
    }),
    201,
  );
  const checkinList = expectStatus<CheckinList>(
    await call(t, "POST", `/v1/events/${event.id}/checkin-lists`, { token: org.secretKey, body: { name: "Main door" } }),
    201,
  );
  objects.checkinList = checkinList;
  // Both tickets checked in and one check-in undone, through the API (the fuzz replays these
  // requests). Then the rows are set to the opposite states, so that replaying each request
  // succeeds again: the undone check-in is live (its undo works) and the other ticket is free
  // (checking it in works).
  const scan = async (code: string | undefined) =>
    expectStatus<Checkin>(
      await call(t, "POST", `/v1/checkin-lists/${checkinList.id}/checkins`, { token: org.secretKey, body: { code } }),
      201,
    );
  const undone = await scan(paidTickets[0]?.code);
  expectStatus(await call(t, "POST", `/v1/checkin-lists/${checkinList.id}/checkins/${undone.id}/undo`, { token: org.secretKey }), 200);
  const live = await scan(paidTickets[1]?.code);
  await t.deps.db.update(checkins).set({ undoneAt: null, undoneBy: null }).where(eq(checkins.id, undone.id));
  await t.deps.db.update(checkins).set({ undoneAt: t.deps.now(), undoneBy: org.secretKeyId }).where(eq(checkins.id, live.id));
  objects.checkin = undone;
  // The buyer's own view of the paid order and a ticket's QR code, by its buyerToken.
  const buyerToken = (objects.paidOrder as Order).buyerToken ?? "";
  expectStatus(await call(t, "GET", `/v1/buyer/orders/${toPay.id}?token=${buyerToken}`), 200);
  const qr = await t.fetch(`http://api.test/v1/buyer/tickets/${paidTickets[0]?.id}?token=${buyerToken}`.replace("?", "/qr?"));
  if (qr.status !== 200) throw new Error(`the isolation ticket's QR code answered ${qr.status}`);
  // A free type of one ticket, taken, and a waiting-list entry for it (made through the API, then
  // left, so that replaying the request succeeds again).
  const scarce = await newTicketType(t, org, event, { name: "Last seat", price: 0, quantity: 1 });
  await checkout(t, org, event, [{ ticketTypeId: scarce.id, quantity: 1 }]);
  const waiting = expectStatus<WaitlistEntry>(
    await call(t, "POST", `/v1/events/${event.id}/ticket-types/${scarce.id}/waitlist`, {
      token: org.secretKey,
      body: { name: "Ada", email: `wait-${scarce.id}@example.com` },
    }),
    201,
  );
  objects.waitlistEntry = expectStatus<WaitlistEntry>(
    await call(t, "POST", `/v1/waitlist-entries/${waiting.id}/leave`, { token: org.secretKey, body: {} }),
    200,
  );
  // An unpublished event (publish succeeds on it) with a ticket type no order holds (delete succeeds on it).
  const unpublished = await newEvent(t, org, { title: `${name} rehearsal` });
  expectStatus(await call(t, "POST", `/v1/events/${unpublished.id}/unpublish`, { token: org.secretKey }), 200);
  objects.unpublishedEvent = unpublished;
  const spare = await newTicketType(t, org, unpublished, { name: "Spare" });
  objects.spareTicketType = expectStatus(
    await call(t, "PATCH", `/v1/events/${unpublished.id}/ticket-types/${spare.id}`, { token: org.secretKey, body: { sortOrder: 1 } }),
    200,
  );
  // Guests and agenda: RSVP settings (approval, with an invitation page), a guest with a personal
  // link (its `{guestToken}` path parameter is not an id: see pathValues) and a session.
  expectStatus(
    await call(t, "PATCH", `/v1/events/${event.id}/rsvp`, {
      token: org.secretKey,
      body: { mode: "approval", capacity: 1000, maxPlusOnes: 20, invitationUrl: "https://host.example/rsvp" },
    }),
    200,
  );
  const guest = expectStatus<GuestWithLink>(
    await call(t, "POST", `/v1/events/${event.id}/guests`, {
      token: org.secretKey,
      body: { name: `${name} guest`, email: uniqueEmail("guest"), phone: "+14155550123" },
    }),
    201,
  );
  objects.guest = guest;
  // The organizer edits the guest and records an answer for them; two requests to attend from the
  // event's page, one approved and one declined.
  expectStatus(
    await call(t, "PATCH", `/v1/events/${event.id}/guests/${guest.id}`, { token: org.secretKey, body: { notes: "Vegetarian" } }),
    200,
  );
  expectStatus(
    await call(t, "POST", `/v1/events/${event.id}/guests/${guest.id}/rsvp`, { token: org.secretKey, body: { answer: "yes" } }),
    200,
  );
  const asks: string[] = [];
  for (const who of ["approved", "declined"]) {
    const r = expectStatus<Registration>(
      await call(t, "POST", `/v1/events/${event.id}/registrations`, {
        token: org.publishableKey,
        headers: { origin: TEST_ORIGIN },
        body: { name: `${name} ${who}`, email: uniqueEmail(who) },
      }),
      201,
    );
    asks.push(r.invitation.guest.id);
  }
  const [approved, declined] = asks;
  objects.approvedGuest = expectStatus(
    await call(t, "POST", `/v1/events/${event.id}/guests/${approved}/approve`, { token: org.secretKey }),
    200,
  );
  objects.declinedGuest = expectStatus(
    await call(t, "POST", `/v1/events/${event.id}/guests/${declined}/decline`, { token: org.secretKey }),
    200,
  );
  const eventSession = expectStatus<{ id: string }>(
    await call(t, "POST", `/v1/events/${event.id}/sessions`, {
      token: org.secretKey,
      body: { title: `${name} keynote`, startsAt: event.startsAt, endsAt: event.endsAt, speakers: [{ name: "Grace" }] },
    }),
    201,
  );
  objects.eventSession = eventSession;
  // The session takes sign-ups, and the confirmed guest picked it through their link.
  expectStatus(
    await call(t, "PATCH", `/v1/events/${event.id}/sessions/${eventSession.id}`, { token: org.secretKey, body: { capacity: 100 } }),
    200,
  );
  expectStatus(
    await call(t, "POST", `/v1/events/${event.id}/invitation/${guest.token}/sessions`, { body: { sessionId: eventSession.id } }),
    200,
  );
  // The guest's browser subscribed to their reminders through their link.
  expectStatus(
    await call(t, "POST", `/v1/events/${event.id}/invitation/${guest.token}/push-subscriptions`, {
      body: testPushSubscription(`${name}-guest`),
    }),
    201,
  );
  // Places: a place (a minute ago's one-minute booking by the org's participant has ended, so it
  // can be completed and reviewed), a completed booking with its pending review, and a
  // confirmed booking ahead (to cancel).
  const place = await newPlace(t, org, { name: `${name} garage` });
  objects.place = place;
  const minute = 60_000;
  const recent = new Date(Math.floor(t.deps.now() / minute) * minute - 3 * minute).toISOString();
  const done = await booked(t, org.participantToken, { placeId: place.id, start: recent, durationMinutes: 1 });
  objects.completedBooking = expectStatus<Booking>(
    await call(t, "POST", `/v1/bookings/${done.id}/complete`, { token: org.participantToken }),
    200,
  );
  objects.review = expectStatus<Review>(
    await call(t, "POST", `/v1/bookings/${done.id}/review`, { token: org.participantToken, body: { rating: 5, text: "Easy" } }),
    201,
  );
  const ahead = await booked(t, org.participantToken, {
    placeId: place.id,
    start: new Date(Math.floor(t.deps.now() / minute) * minute + 60 * minute).toISOString(),
    durationMinutes: 60,
  });
  objects.booking = ahead;
  // An ended booking to complete, a completed one to review (the fuzz needs both states), and
  // the place's availability, slots and a quote read once (their required queries, for the harnesses).
  objects.endedBooking = await booked(t, org.participantToken, { placeId: place.id, start: recent, durationMinutes: 1 });
  const reviewable = await booked(t, org.participantToken, { placeId: place.id, start: recent, durationMinutes: 1 });
  objects.reviewableBooking = expectStatus<Booking>(
    await call(t, "POST", `/v1/bookings/${reviewable.id}/complete`, { token: org.secretKey }),
    200,
  );
  expectStatus(
    await call(t, "GET", `/v1/places/${place.id}/availability?start=${ahead.start}&end=${ahead.end}`, {
      token: org.publishableKey,
      headers: { origin: TEST_ORIGIN },
    }),
    200,
  );
  expectStatus(
    await call(
      t,
      "GET",
      `/v1/search/places?lat=${place.location.lat}&lng=${place.location.lng}&radiusKm=1&start=${ahead.start}&end=${ahead.end}`,
      {
        token: org.publishableKey,
        headers: { origin: TEST_ORIGIN },
      },
    ),
    200,
  );
  // A quote for the same window as the future booking (pure: the fuzz may replay it).
  expectStatus(
    await call(t, "POST", `/v1/places/${place.id}/quote`, {
      token: org.publishableKey,
      headers: { origin: TEST_ORIGIN },
      body: { start: ahead.start, durationMinutes: 60 },
    }),
    200,
  );
  expectStatus(
    await call(t, "GET", `/v1/places/${place.id}/slots?date=${ahead.start.slice(0, 10)}`, {
      token: org.publishableKey,
      headers: { origin: TEST_ORIGIN },
    }),
    200,
  );
  // Calendars: a client, and a sync rule linking the plan to the client's primary calendar. With
  // a Google stand-in the client is connected and the rule made through the API; without one the
  // rule is written directly (making one through the API needs a connection).
  const client = expectStatus<Client>(
    await call(t, "POST", "/v1/clients", { token: org.secretKey, body: { name: `${name} client`, email: "client@example.com" } }),
    201,
  );
  objects.client = client;
  const calendarPaths = { calendarId: "primary", calendarEventId: "gk0123456789abcdefghijkl" };
  if (opts.google) {
    const back = await call(t, "GET", await consent(t, org.ownerToken, client.id), { token: org.ownerToken });
    if (back.status !== 302) throw new Error(`connecting the isolation client answered ${back.status}`);
    const connection = expectStatus<{ accountEmail: string }>(
      await call(t, "GET", `/v1/clients/${client.id}/connection`, { token: org.secretKey }),
      200,
    );
    calendarPaths.calendarId = connection.accountEmail;
    const events = `/v1/clients/${client.id}/calendars/${encodeURIComponent(connection.accountEmail)}/events`;
    const event = expectStatus<{ id: string }>(
      await call(t, "POST", events, {
        token: org.secretKey,
        body: { title: `${name} kick-off`, start: { date: "2030-07-01" }, end: { date: "2030-07-02" } },
      }),
      201,
    );
    calendarPaths.calendarEventId = event.id;
    objects.syncRule = expectStatus<{ id: string }>(
      await call(t, "POST", `/v1/clients/${client.id}/sync-rules`, {
        token: org.secretKey,
        body: { calendarId: connection.accountEmail, source: { type: "plan", id: plan.id } },
      }),
      201,
    );
  } else {
    const syncRule = { id: newId("syncRule") };
    await t.deps.db.insert(calendarSyncRules).values({
      id: syncRule.id,
      orgId: org.org.id,
      clientId: client.id,
      calendarId: "primary",
      sourceType: "plan",
      sourceId: plan.id,
      createdAt: t.deps.now(),
    });
    objects.syncRule = syncRule;
  }
  // A bulk job of the client (re-run its sync rules), queued through the API.
  objects.calendarJob = expectStatus<{ id: string }>(
    await call(t, "POST", `/v1/clients/${client.id}/jobs`, { token: org.secretKey, body: { kind: "resync" } }),
    202,
  );
  // A calendar feed of the event, read once by its URL (its token is in `objects.calendarFeed.token`).
  const calendarFeed = expectStatus<{ id: string; url: string; token: string }>(
    await call(t, "POST", "/v1/calendar-feeds", { token: org.secretKey, body: { subject: { type: "event", id: event.id } } }),
    201,
  );
  objects.calendarFeed = calendarFeed;
  const feedUrl = new URL(calendarFeed.url);
  expectStatus(await call(t, "GET", `${feedUrl.pathname}${feedUrl.search}`), 200);
  return {
    ...org,
    admin,
    objects,
    references: [`org:${org.org.id}`, `plan:${plan.id}`, `event:${event.id}`, `place:${place.id}`],
    pathValues: { code: invite.code, token: unsubscribe, guestToken: guest.token, ...calendarPaths },
    queryValues: {
      lat: String(place.location.lat),
      lng: String(place.location.lng),
      start: ahead.start,
      end: ahead.end,
      date: ahead.start.slice(0, 10),
    },
    secrets: [
      invitation.token,
      webhookSecret,
      org.secretKey,
      org.publishableKey,
      org.participantToken,
      org.ownerToken,
      org.refreshToken,
      admin.accessToken,
      admin.refreshToken,
      pat.token,
      quinn.token,
      (objects.paidOrder as Order).buyerToken ?? "",
    ],
    credentials: [
      { name: `${name} owner (access token)`, headers: { authorization: `Bearer ${org.ownerToken}` } },
      { name: `${name} admin (access token)`, headers: { authorization: `Bearer ${admin.accessToken}` } },
      { name: `${name} secret key`, headers: { authorization: `Bearer ${org.secretKey}` } },
      { name: `${name} publishable key`, headers: { authorization: `Bearer ${org.publishableKey}`, origin: TEST_ORIGIN } },
      { name: `${name} participant token`, headers: { authorization: `Bearer ${org.participantToken}` } },
      { name: `${name} plan participant token (Pat)`, headers: { authorization: `Bearer ${pat.token}` } },
    ],
  };
}

/** The ids an isolation org created, by prefix (`{ pk: ["pk_…"], mem: ["mem_…"], … }`). */
export function idsByPrefix(org: IsolationOrg): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of idsIn(org.objects)) {
    const prefix = id.slice(0, id.indexOf("_"));
    out.set(prefix, [...(out.get(prefix) ?? []), id]);
  }
  return out;
}

/** A browser's push subscription on the test push service (`https://push.example.test`, allowed by the harness). */
export function testPushSubscription(label: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");
  return {
    endpoint: `https://push.example.test/send/${encodeURIComponent(label)}-${crypto.randomUUID()}`,
    keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(crypto.getRandomValues(new Uint8Array(16))) },
  };
}
