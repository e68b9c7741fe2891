import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newOrg, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { type GoogleStandIn, STANDIN_ACCOUNT, startGoogleStandIn } from "../../../apps/api/test/google-standin.js";
import { call, createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { BadRequestError, ConflictError, Gatherkit, PermissionDeniedError } from "../src/index.js";

// gk.clients against the real API in process, whose "Google" is the local stand-in: a client is
// created, connected (the consent URL followed as a browser would), and events written to its calendar.
const BASE = "http://api.test";
let g: GoogleStandIn;
let t: TestApp;
let org: TestOrg;
let gk: Gatherkit;

beforeAll(async () => {
  g = await startGoogleStandIn();
  t = await createTestApp({ env: g.env });
  org = await newOrg(t);
  gk = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: org.secretKey, maxRetries: 0 });
});
afterAll(async () => {
  t.close();
  await g.close();
});

describe("clients through the SDK", () => {
  it("creates a client, connects Google, writes events on its calendar and disconnects", async () => {
    const client = await gk.clients.create({ name: "Acme", email: "ops@acme.example" });
    expect((await gk.clients.list({ q: "acme" })).data.map((c) => c.id)).toEqual([client.id]);
    await expect(gk.clients.calendars(client.id)).rejects.toBeInstanceOf(ConflictError);

    const { url } = await gk.clients.connection.authorize(client.id, { returnTo: "https://dashboard.example/back" });
    const consent = new URL((await fetch(url, { redirect: "manual" })).headers.get("location") ?? "");
    const back = await call(t, "GET", `${consent.pathname}${consent.search}`);
    expect(back.headers.get("location")).toBe("https://dashboard.example/back?calendar_connection=connected");
    expect(await gk.clients.connection.retrieve(client.id)).toMatchObject({ status: "valid", accountEmail: STANDIN_ACCOUNT });

    const calendars = await gk.clients.calendars(client.id);
    expect(calendars.find((c) => c.primary)?.id).toBe(STANDIN_ACCOUNT);
    const event = await gk.clients.events.create(
      client.id,
      "primary",
      { title: "Kick-off", start: { date: "2030-07-01" }, end: { date: "2030-07-02" }, attendees: [{ email: "ana@acme.example" }] },
      { sendUpdates: "all" },
    );
    expect(g.received.at(-1)?.query.get("sendUpdates")).toBe("all");
    expect((await gk.clients.events.update(client.id, "primary", event.id, { title: "Kick-off (moved)" })).title).toBe("Kick-off (moved)");
    expect((await gk.clients.events.list(client.id, "primary")).data.map((e) => e.id)).toEqual([event.id]);
    await gk.clients.events.del(client.id, "primary", event.id);
    await expect(
      gk.clients.events.create(client.id, "holidays@group.calendar.google.com", {
        title: "x",
        start: { date: "2030-07-01" },
        end: { date: "2030-07-02" },
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      gk.clients.events.create(client.id, "primary", { title: "x", start: { date: "2030-07-02" }, end: { date: "2030-07-01" } }),
    ).rejects.toBeInstanceOf(BadRequestError);

    // An .ics import's preview reads the file as the import would, and writes nothing.
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "BEGIN:VEVENT",
      "UID:a@example.com",
      "DTSTART:20300801T090000Z",
      "DTEND:20300801T100000Z",
      "SUMMARY:Imported",
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    const before = g.received.length;
    expect(await gk.clients.events.importPreview(client.id, "primary", ics)).toMatchObject({
      total: 1,
      importable: 1,
      failing: 0,
      items: [{ index: 0, uid: "a@example.com", title: "Imported", start: { dateTime: "2030-08-01T09:00:00Z" }, error: null }],
    });
    expect(g.received.length).toBe(before);
    await expect(gk.clients.events.importPreview(client.id, "primary", "not a calendar")).rejects.toBeInstanceOf(BadRequestError);

    await gk.clients.connection.del(client.id);
    expect((await gk.clients.connection.retrieve(client.id)).status).toBe("not_connected");
    await gk.clients.del(client.id);
  });
});
