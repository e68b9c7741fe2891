import type { Client } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient } from "../../../../test/calendar-fixtures.js";
import { addMember, expectProblem, expectStatus, newOrg, TEST_ORIGIN, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

describe("clients", () => {
  it("creates, reads, updates and deletes a client", async () => {
    const client = await newClient(t, org, {
      name: "  Lisbon Tours ",
      email: "Hello@Lisbon.Example",
      timeZone: "europe/lisbon",
      notes: "VIP",
    });
    expect(client).toMatchObject({
      name: "Lisbon Tours",
      email: "hello@lisbon.example",
      timeZone: "Europe/Lisbon",
      notes: "VIP",
      connected: false,
    });
    expect(client.id).toMatch(/^cli_/);
    expect(expectStatus(await call(t, "GET", `/v1/clients/${client.id}`, { token: org.ownerToken }), 200)).toEqual(client);
    const updated = expectStatus<Client>(
      await call(t, "PATCH", `/v1/clients/${client.id}`, { token: org.secretKey, body: { email: null, notes: "" } }),
      200,
    );
    expect(updated).toMatchObject({ name: "Lisbon Tours", email: null, notes: "" });
    expect((await call(t, "DELETE", `/v1/clients/${client.id}`, { token: org.secretKey })).status).toBe(204);
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}`, { token: org.secretKey }), 404, "not_found");
  });

  it("refuses an empty name, a bad email, an unknown time zone and unknown fields, writing nothing", async () => {
    const before = expectStatus<{ data: Client[] }>(await call(t, "GET", "/v1/clients?limit=100", { token: org.secretKey }), 200).data
      .length;
    for (const body of [
      { name: "   " },
      { name: "A", email: "not-an-email" },
      { name: "A", timeZone: "Mars/Olympus" },
      { name: "A", colour: "red" },
      {},
    ]) {
      const p = expectProblem(await call(t, "POST", "/v1/clients", { token: org.secretKey, body }), 400, "validation_failed");
      expect(p.errors?.length).toBeGreaterThan(0);
    }
    const client = await newClient(t, org);
    expectProblem(
      await call(t, "PATCH", `/v1/clients/${client.id}`, { token: org.secretKey, body: { email: "nope" } }),
      400,
      "validation_failed",
    );
    const after = expectStatus<{ data: Client[] }>(await call(t, "GET", "/v1/clients?limit=100", { token: org.secretKey }), 200).data
      .length;
    expect(after).toBe(before + 1);
  });

  it("pages newest first with a cursor and searches names and emails, LIKE wildcards taken literally", async () => {
    const fresh = await newOrg(t);
    const names = ["Alpha Co", "Beta 100% Ltd", "Gamma_Events", "Delta"];
    for (const name of names) await newClient(t, fresh, { name, email: `${name.split(" ")[0]?.toLowerCase()}@ex.example` });
    const first = expectStatus<{ data: Client[]; nextCursor: string }>(
      await call(t, "GET", "/v1/clients?limit=3", { token: fresh.secretKey }),
      200,
    );
    expect(first.data.map((c) => c.name)).toEqual(["Delta", "Gamma_Events", "Beta 100% Ltd"]);
    const second = expectStatus<{ data: Client[]; nextCursor: null }>(
      await call(t, "GET", `/v1/clients?limit=3&cursor=${first.nextCursor}`, { token: fresh.secretKey }),
      200,
    );
    expect(second).toMatchObject({ data: [{ name: "Alpha Co" }], nextCursor: null });
    const search = async (q: string) =>
      expectStatus<{ data: Client[] }>(
        await call(t, "GET", `/v1/clients?q=${encodeURIComponent(q)}`, { token: fresh.secretKey }),
        200,
      ).data.map((c) => c.name);
    expect(await search("ALPHA")).toEqual(["Alpha Co"]);
    expect(await search("gamma_events@")).toEqual(["Gamma_Events"]);
    expect(await search("%")).toEqual(["Beta 100% Ltd"]);
    expect(await search("_")).toEqual(["Gamma_Events"]);
    expectProblem(await call(t, "GET", "/v1/clients?cursor=bogus!", { token: fresh.secretKey }), 400, "validation_failed");
  });

  it("keeps clients to their organization and to staff", async () => {
    const client = await newClient(t, org);
    expectProblem(await call(t, "GET", `/v1/clients/${client.id}`, { token: other.secretKey }), 404, "not_found");
    expectProblem(await call(t, "PATCH", `/v1/clients/${client.id}`, { token: other.secretKey, body: { name: "Mine" } }), 404, "not_found");
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}`, { token: other.secretKey }), 404, "not_found");
    const list = expectStatus<{ data: Client[] }>(await call(t, "GET", "/v1/clients?limit=100", { token: other.secretKey }), 200);
    expect(list.data.map((c) => c.id)).not.toContain(client.id);
    expectProblem(
      await call(t, "GET", "/v1/clients", { token: org.publishableKey, headers: { origin: TEST_ORIGIN } }),
      403,
      "permission_denied",
    );
    expectProblem(await call(t, "GET", "/v1/clients", { token: org.participantToken }), 403, "permission_denied");
    expectProblem(await call(t, "GET", "/v1/clients"), 401, "authentication_required");
    const staff = await addMember(t, org, "staff");
    expectStatus(await call(t, "GET", `/v1/clients/${client.id}`, { token: staff.accessToken }), 200);
    expectProblem(await call(t, "DELETE", `/v1/clients/${client.id}`, { token: staff.accessToken }), 403, "permission_denied");
  });
});
