import type { TicketedEvent } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, EVENT_DEFAULTS, eventMessages, newEvent, newTicketType } from "../../../../test/event-fixtures.js";
import { addMember, expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg, twoOrgs } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
});
afterAll(() => t.close());

type EventPage = { data: TicketedEvent[]; nextCursor: string | null };
const asPage = (org: TestOrg) => ({ token: org.publishableKey, headers: { origin: TEST_ORIGIN } });

describe("creating events", () => {
  it("organizers create a draft with venue, address, coordinates, time zone, capacity and categories", async () => {
    for (const token of [a.secretKey, a.ownerToken, (await addMember(t, a, "staff")).accessToken]) {
      const event = expectStatus<TicketedEvent>(
        await call(t, "POST", "/v1/events", {
          token,
          body: {
            ...EVENT_DEFAULTS,
            title: "  Fado night ",
            venue: {
              name: "Clube de Fado",
              address: { line1: "Rua de São João da Praça 86", city: "Lisbon", country: "PT" },
              lat: 38.71,
              lng: -9.13,
            },
            timeZone: "europe/lisbon",
            capacity: 120,
            categories: ["live-music", "fado"],
            imageUrls: ["https://example.com/fado.jpg"],
            contact: { name: "Ana", email: "Tickets@Example.com" },
          },
        }),
        201,
      );
      expect(event).toMatchObject({
        status: "draft",
        availability: "not_yet_on_sale",
        title: "Fado night",
        timeZone: "Europe/Lisbon",
        capacity: 120,
        remaining: 120,
        currency: "EUR",
        categories: ["live-music", "fado"],
        holdMinutes: 10,
        contact: { name: "Ana", email: "tickets@example.com" },
        venue: {
          name: "Clube de Fado",
          address: { line1: "Rua de São João da Praça 86", line2: null, city: "Lisbon", region: null, postalCode: null, country: "PT" },
          lat: 38.71,
          lng: -9.13,
        },
        publishedAt: null,
      });
      expect(event.id).toMatch(/^evt_/);
    }
  });

  it("refuses bad input with a 400 naming the field, and other callers with 401/403", async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ endsAt: EVENT_DEFAULTS.startsAt }, "body.endsAt"],
      [{ timeZone: "+01:00" }, "body.timeZone"],
      [{ timeZone: "Mars/Olympus" }, "body.timeZone"],
      [{ currency: "eur" }, "body.currency"],
      [{ venue: { name: "X", lat: 10 } }, "body.venue.lat"],
      [{ venue: { name: "X", lat: 91, lng: 0 } }, "body.venue.lat"],
      [{ venue: { name: "X", address: { country: "Portugal" } } }, "body.venue.address.country"],
      [{ capacity: 0 }, "body.capacity"],
      [{ capacity: 1.5 }, "body.capacity"],
      [{ categories: ["Live Music"] }, "body.categories.0"],
      [{ categories: ["a", "a"] }, "body.categories"],
      [{ imageUrls: ["javascript:alert(1)"] }, "body.imageUrls.0"],
      [{ holdMinutes: 0 }, "body.holdMinutes"],
      [{ startsAt: "tomorrow" }, "body.startsAt"],
      [{ surprise: true }, "body"],
    ];
    for (const [patch, path] of bad) {
      const p = expectProblem(
        await call(t, "POST", "/v1/events", { token: a.secretKey, body: { ...EVENT_DEFAULTS, ...patch } }),
        400,
        "validation_failed",
      );
      expect(
        p.errors?.map((e) => e.path),
        JSON.stringify(patch),
      ).toContain(path);
    }
    expectProblem(await call(t, "POST", "/v1/events", { body: EVENT_DEFAULTS }), 401, "authentication_required");
    expectProblem(await call(t, "POST", "/v1/events", { ...asPage(a), body: EVENT_DEFAULTS }), 403, "permission_denied");
    expectProblem(await call(t, "POST", "/v1/events", { token: a.participantToken, body: EVENT_DEFAULTS }), 403, "permission_denied");
  });
});

describe("the status lifecycle and who sees what", () => {
  it("draft → published ⇄ unpublished → cancelled; a publishable key sees only published events; the room hears each change", async () => {
    const event = await newEvent(t, a, { publish: false, title: "Lifecycle" });
    const seenByPage = async () => (await call(t, "GET", `/v1/events/${event.id}`, asPage(a))).status;
    const listedForPage = async () => {
      const page = expectStatus<EventPage>(await call(t, "GET", "/v1/events?limit=100", asPage(a)), 200);
      return page.data.some((e) => e.id === event.id);
    };
    expect(await seenByPage()).toBe(404);
    expect(await listedForPage()).toBe(false);
    expect((await call(t, "GET", `/v1/events/${event.id}`, { token: a.participantToken })).status).toBe(404);

    const published = expectStatus<TicketedEvent>(await call(t, "POST", `/v1/events/${event.id}/publish`, { token: a.secretKey }), 200);
    expect(published).toMatchObject({ status: "published" });
    expect(published.publishedAt).not.toBeNull();
    expect(await seenByPage()).toBe(200);
    expect(await listedForPage()).toBe(true);
    expectProblem(await call(t, "POST", `/v1/events/${event.id}/publish`, { token: a.secretKey }), 409, "invalid_event_transition");

    expect(expectStatus<TicketedEvent>(await call(t, "POST", `/v1/events/${event.id}/unpublish`, { token: a.secretKey }), 200).status).toBe(
      "unpublished",
    );
    expect(await seenByPage()).toBe(404);
    expectProblem(await call(t, "POST", `/v1/events/${event.id}/unpublish`, { token: a.secretKey }), 409, "invalid_event_transition");
    expect(expectStatus<TicketedEvent>(await call(t, "POST", `/v1/events/${event.id}/publish`, { token: a.secretKey }), 200).status).toBe(
      "published",
    );

    const cancelled = expectStatus<TicketedEvent>(await call(t, "POST", `/v1/events/${event.id}/cancel`, { token: a.secretKey }), 200);
    expect(cancelled).toMatchObject({ status: "cancelled", availability: "cancelled" });
    for (const action of ["publish", "unpublish", "cancel"]) {
      expectProblem(await call(t, "POST", `/v1/events/${event.id}/${action}`, { token: a.secretKey }), 409, "invalid_event_transition");
    }
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { title: "Again" } }),
      409,
      "invalid_event_transition",
    );
    expectProblem(await call(t, "POST", `/v1/events/${event.id}/publish`, asPage(a)), 403, "permission_denied");

    const statuses = (await eventMessages(t, event)).flatMap((m) => (m.type === "event.status_changed" ? [m.data.status] : []));
    expect(statuses).toEqual(["published", "unpublished", "published", "cancelled"]);
  });

  it("another organization's event is 404 for every kind of caller, on every route", async () => {
    const event = await newEvent(t, a, { title: "Private to A" });
    for (const token of [b.secretKey, b.ownerToken, b.participantToken]) {
      expectProblem(await call(t, "GET", `/v1/events/${event.id}`, { token }), 404, "not_found");
    }
    expectProblem(await call(t, "GET", `/v1/events/${event.id}`, asPage(b)), 404, "not_found");
    expectProblem(await call(t, "PATCH", `/v1/events/${event.id}`, { token: b.secretKey, body: { title: "Mine" } }), 404, "not_found");
    expectProblem(await call(t, "POST", `/v1/events/${event.id}/cancel`, { token: b.secretKey }), 404, "not_found");
    const listB = expectStatus<EventPage>(await call(t, "GET", "/v1/events?limit=100", { token: b.secretKey }), 200);
    expect(listB.data.some((e) => e.id === event.id)).toBe(false);
  });
});

describe("the event's room", () => {
  it("a page's publishable key may watch a published event's stock; a draft or another organization's event is 404", async () => {
    const room = (id: string) => ({ room: `event:${id}` });
    const draft = await newEvent(t, a, { publish: false });
    const live = await newEvent(t, a);
    const ask = (opts: { token: string; headers?: Record<string, string> }, id: string) =>
      call(t, "POST", "/v1/realtime/tokens", { ...opts, body: room(id) });
    expect(expectStatus<{ room: string }>(await ask(asPage(a), live.id), 201).room).toBe(`event:${live.id}`);
    expect((await ask({ token: a.participantToken }, live.id)).status).toBe(201);
    expect((await ask({ token: a.secretKey }, draft.id)).status).toBe(201);
    expectProblem(await ask(asPage(a), draft.id), 404, "not_found");
    expectProblem(await ask(asPage(b), live.id), 404, "not_found");
    expectProblem(await ask({ token: b.secretKey }, live.id), 404, "not_found");
  });
});

describe("editing", () => {
  it("changes fields, null clears, and the merged window must stay ordered", async () => {
    const event = await newEvent(t, a, { venue: { name: "Old hall" }, capacity: 50 });
    const edited = expectStatus<TicketedEvent>(
      await call(t, "PATCH", `/v1/events/${event.id}`, {
        token: a.ownerToken,
        body: { title: "New title", venue: null, capacity: null, categories: ["jazz"], holdMinutes: 15 },
      }),
      200,
    );
    expect(edited).toMatchObject({
      title: "New title",
      venue: null,
      capacity: null,
      remaining: null,
      categories: ["jazz"],
      holdMinutes: 15,
    });
    const p = expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { endsAt: "2030-07-01T00:00:00.000Z" } }),
      400,
      "validation_failed",
    );
    expect(p.errors?.[0]?.path).toBe("body.endsAt");
    expectProblem(await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: {} }), 400, "validation_failed");
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { currency: "USD" } }),
      400,
      "validation_failed",
    );
  });

  it("the capacity cannot go below what is held or sold (409 event_has_sales)", async () => {
    const event = await newEvent(t, a, { capacity: 10 });
    const ga = await newTicketType(t, a, event);
    await checkout(t, a, event, [{ ticketTypeId: ga.id, quantity: 4 }]);
    expectProblem(await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { capacity: 3 } }), 409, "event_has_sales");
    expect(
      expectStatus<TicketedEvent>(await call(t, "PATCH", `/v1/events/${event.id}`, { token: a.secretKey, body: { capacity: 4 } }), 200),
    ).toMatchObject({
      capacity: 4,
      remaining: 0,
      availability: "sold_out",
    });
  });
});

describe("listing and searching", () => {
  it("filters by text, category and date range, and walks pages with the cursor", async () => {
    const org = await newOrg(t);
    const jazz = await newEvent(t, org, {
      title: "Jazz in the park",
      categories: ["jazz"],
      startsAt: "2031-05-01T18:00:00Z",
      endsAt: "2031-05-01T22:00:00Z",
    });
    const fado = await newEvent(t, org, {
      title: "Fado 100%_night",
      venue: { name: "Alfama cellar" },
      categories: ["fado", "live-music"],
      startsAt: "2031-06-01T18:00:00Z",
      endsAt: "2031-06-01T22:00:00Z",
    });
    const draft = await newEvent(t, org, { title: "Jazz draft", categories: ["jazz"], publish: false });
    const ids = async (query: string, opts: { token: string; headers?: Record<string, string> } = { token: org.secretKey }) =>
      expectStatus<EventPage>(await call(t, "GET", `/v1/events?${query}`, opts), 200).data.map((e) => e.id);

    expect(await ids("q=jazz")).toEqual([draft.id, jazz.id]);
    expect(await ids("q=jazz", asPage(org))).toEqual([jazz.id]);
    expect(await ids("q=ALFAMA")).toEqual([fado.id]);
    expect(await ids(`q=${encodeURIComponent("100%_")}`)).toEqual([fado.id]);
    expect(await ids(`q=${encodeURIComponent("%")}`)).toEqual([fado.id]);
    expect(await ids("category=live-music")).toEqual([fado.id]);
    expect(await ids("from=2031-05-15T00:00:00Z&to=2031-12-31T00:00:00Z")).toEqual([fado.id]);
    expect(await ids("to=2031-05-15T00:00:00Z&status=published")).toEqual([jazz.id]);
    expect(await ids("status=draft")).toEqual([draft.id]);
    expect(await ids("status=draft", asPage(org))).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: EventPage = expectStatus<EventPage>(
        await call(t, "GET", `/v1/events?limit=1${cursor ? `&cursor=${cursor}` : ""}`, { token: org.secretKey }),
        200,
      );
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([draft.id, fado.id, jazz.id]);

    expectProblem(
      await call(t, "GET", "/v1/events?from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z", { token: org.secretKey }),
      400,
      "validation_failed",
    );
    expectProblem(await call(t, "GET", "/v1/events?category=Not%20A%20Slug", { token: org.secretKey }), 400, "validation_failed");
    expectProblem(await call(t, "GET", "/v1/events?cursor=nope", { token: org.secretKey }), 400, "validation_failed");
  });
});

describe("derived availability", () => {
  it("not yet on sale, on sale, sold out, sales ended and cancelled", async () => {
    const event = await newEvent(t, a, { title: "Availability" });
    expect(event.availability).toBe("not_yet_on_sale");
    const get = async () => expectStatus<TicketedEvent>(await call(t, "GET", `/v1/events/${event.id}`, asPage(a)), 200);

    const later = await newTicketType(t, a, event, { name: "Later", salesStartAt: "2030-06-01T00:00:00Z" });
    expect((await get()).availability).toBe("not_yet_on_sale");
    const one = await newTicketType(t, a, event, { name: "Last one", quantity: 1 });
    expect(await get()).toMatchObject({ availability: "on_sale", remaining: null });
    await call(t, "PATCH", `/v1/events/${event.id}/ticket-types/${later.id}`, { token: a.secretKey, body: { quantity: 5 } });
    expect(await get()).toMatchObject({ availability: "on_sale", remaining: 6 });
    await checkout(t, a, event, [{ ticketTypeId: one.id, quantity: 1 }]);
    expect(await get()).toMatchObject({ availability: "sold_out", remaining: 5 });
    await call(t, "PATCH", `/v1/events/${event.id}/ticket-types/${later.id}`, {
      token: a.secretKey,
      body: { salesStartAt: null, salesEndAt: "2020-01-01T00:00:00Z" },
    });
    expect((await get()).availability).toBe("sold_out");
    await call(t, "PATCH", `/v1/events/${event.id}/ticket-types/${one.id}`, {
      token: a.secretKey,
      body: { salesEndAt: "2020-01-01T00:00:00Z" },
    });
    expect((await get()).availability).toBe("sales_ended");
    await call(t, "POST", `/v1/events/${event.id}/cancel`, { token: a.secretKey });
    expect((await call(t, "GET", `/v1/events/${event.id}`, { token: a.secretKey })).body.availability).toBe("cancelled");
  });
});
