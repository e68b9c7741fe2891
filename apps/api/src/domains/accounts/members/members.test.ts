import type { Member } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, expectProblem, expectPublished, expectStatus, newOrg, signUp, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  a = await newOrg(t);
  b = await newOrg(t);
});
afterAll(() => t.close());

const members = (token: string, query = "") => call(t, "GET", `/v1/organization/members${query}`, { token });
const patch = (token: string, id: string, role: string) => call(t, "PATCH", `/v1/organization/members/${id}`, { token, body: { role } });
const remove = (token: string, id: string) => call(t, "DELETE", `/v1/organization/members/${id}`, { token });

async function ownerMemberId(org: TestOrg): Promise<string> {
  const page = expectStatus<{ data: Member[] }>(await members(org.secretKey, "?limit=100"), 200);
  const me = page.data.find((m) => m.userId === org.user.id);
  if (!me) throw new Error("owner not listed");
  return me.id;
}

describe("listing members", () => {
  it("pages through every member once, newest first, and ends with a null cursor", async () => {
    const org = await newOrg(t);
    const added: Member[] = [];
    for (let i = 0; i < 5; i++) added.push((await addMember(t, org, "staff")).member);

    const seen: Member[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: Member[]; nextCursor: string | null } = expectStatus(
        await members(org.accessToken, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
        200,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);

    expect(pages).toBe(3);
    expect(seen.map((m) => m.id)).toEqual(
      [...added]
        .reverse()
        .map((m) => m.id)
        .concat(seen.at(-1)?.id ?? ""),
    );
    expect(seen.at(-1)).toMatchObject({ userId: org.user.id, role: "owner", email: org.email });
    expect(new Set(seen.map((m) => m.id)).size).toBe(6);
  });

  it("refuses a cursor it did not hand out and a limit out of range", async () => {
    for (const cursor of ["garbage!", "WzEsMl0", "eyJhIjoxfQ", btoa('[1,"x y"]')]) {
      const p = expectProblem(await members(a.accessToken, `?cursor=${encodeURIComponent(cursor)}`), 400, "validation_failed");
      expect(p.errors?.[0]?.path).toBe("query.cursor");
    }
    for (const limit of ["0", "101", "abc"]) {
      const p = expectProblem(await members(a.accessToken, `?limit=${limit}`), 400, "validation_failed");
      expect(p.errors?.[0]?.path).toBe("query.limit");
    }
  });

  it("shows only the caller's organization", async () => {
    const page = expectStatus<{ data: Member[] }>(await members(b.accessToken, "?limit=100"), 200);
    expect(page.data.map((m) => m.userId)).toEqual([b.user.id]);
  });
});

describe("adding members", () => {
  it("adds an existing account as admin or staff and tells the organization's room", async () => {
    const person = await signUp(t);
    const r = await call(t, "POST", "/v1/organization/members", {
      token: a.accessToken,
      body: { email: person.email.toUpperCase(), role: "admin" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ userId: person.user.id, email: person.email, name: person.user.name, role: "admin" });
    expect(r.body.id).toMatch(/^mem_/);
    await expectPublished(t, `org:${a.org.id}`, { type: "member.changed", data: { id: r.body.id } });

    expectProblem(
      await call(t, "POST", "/v1/organization/members", { token: a.accessToken, body: { email: person.email, role: "staff" } }),
      409,
      "already_member",
    );
  });

  it("refuses unknown emails, the owner role and staff callers", async () => {
    expectProblem(
      await call(t, "POST", "/v1/organization/members", { token: a.accessToken, body: { email: "nobody@example.com", role: "staff" } }),
      404,
      "not_found",
    );
    const person = await signUp(t);
    expectProblem(
      await call(t, "POST", "/v1/organization/members", { token: a.accessToken, body: { email: person.email, role: "owner" } }),
      400,
      "validation_failed",
    );
    const staff = await addMember(t, a, "staff");
    expectProblem(
      await call(t, "POST", "/v1/organization/members", { token: staff.accessToken, body: { email: person.email, role: "staff" } }),
      403,
      "permission_denied",
    );
  });

  it("adds a person only once when 10 add requests race", async () => {
    const person = await signUp(t);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(t, "POST", "/v1/organization/members", { token: a.accessToken, body: { email: person.email, role: "staff" } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, "already_member");
  });
});

describe("changing roles", () => {
  it("lets admins move people between staff and admin, but not touch or make owners", async () => {
    const org = await newOrg(t);
    const admin = await addMember(t, org, "admin");
    const staff = await addMember(t, org, "staff");
    const promoted = await patch(admin.accessToken, staff.member.id, "admin");
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: staff.member.id, role: "admin" });
    expectProblem(await patch(admin.accessToken, staff.member.id, "owner"), 403, "permission_denied");
    expectProblem(await patch(admin.accessToken, await ownerMemberId(org), "staff"), 403, "permission_denied");
    const other = await addMember(t, org, "staff");
    expectProblem(await patch(other.accessToken, staff.member.id, "staff"), 403, "permission_denied");
    // The promotion counts at once: the promoted member's existing token now has admin rights.
    expect((await patch(staff.accessToken, other.member.id, "admin")).status).toBe(200);
  });

  it("applies a demotion at once, even to an access token signed before it", async () => {
    const org = await newOrg(t);
    const admin = await addMember(t, org, "admin");
    const staff = await addMember(t, org, "staff");
    expect((await patch(org.ownerToken, admin.member.id, "staff")).status).toBe(200);
    // The admin's token still says "admin", but the role is read on each request.
    expectProblem(await patch(admin.accessToken, staff.member.id, "admin"), 403, "permission_denied");
    expect((await call(t, "GET", "/v1/auth/me", { token: admin.accessToken })).body.role).toBe("staff");
  });

  it("never demotes the last owner", async () => {
    const org = await newOrg(t);
    const ownerId = await ownerMemberId(org);
    expectProblem(await patch(org.ownerToken, ownerId, "admin"), 409, "last_owner");
    expectProblem(await patch(org.secretKey, ownerId, "staff"), 409, "last_owner");
    // With a second owner the first may step down.
    const second = await addMember(t, org, "owner");
    expect(second.member.role).toBe("owner");
    expect((await patch(org.ownerToken, ownerId, "admin")).body.role).toBe("admin");
    expectProblem(await patch(second.accessToken, second.member.id, "admin"), 409, "last_owner");
  });

  it("keeps an owner when both owners are demoted concurrently", async () => {
    for (let round = 0; round < 3; round++) {
      const org = await newOrg(t);
      const second = await addMember(t, org, "owner");
      const first = await ownerMemberId(org);
      const results = await Promise.all([patch(org.secretKey, first, "staff"), patch(org.secretKey, second.member.id, "staff")]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expectProblem(results.find((r) => r.status === 409)!, 409, "last_owner");
      const page = expectStatus<{ data: Member[] }>(await members(org.secretKey, "?limit=100"), 200);
      expect(page.data.filter((m) => m.role === "owner")).toHaveLength(1);
    }
  });

  it("answers 404 for another organization's member and 400 for a malformed id", async () => {
    const bOwner = await ownerMemberId(b);
    expectProblem(await patch(a.ownerToken, bOwner, "staff"), 404, "not_found");
    expectProblem(await remove(a.secretKey, bOwner), 404, "not_found");
    expectProblem(await patch(a.ownerToken, "usr_0123456789abcdefghjk", "staff"), 400, "validation_failed");
  });
});

describe("removing members", () => {
  it("removes a member and ends their access at once", async () => {
    const org = await newOrg(t);
    const staff = await addMember(t, org, "staff");
    const r = await remove(org.ownerToken, staff.member.id);
    expect(r.status).toBe(204);
    await expectPublished(t, `org:${org.org.id}`, { type: "member.changed", data: { id: staff.member.id } });
    expectProblem(await call(t, "GET", "/v1/organization", { token: staff.accessToken }), 401, "invalid_token");
    expectProblem(await call(t, "POST", "/v1/auth/refresh", { body: { refreshToken: staff.refreshToken } }), 401, "invalid_token");
    expectProblem(await remove(org.ownerToken, staff.member.id), 404, "not_found");
  });

  it("lets admins remove staff and admins, but not owners; never removes the last owner", async () => {
    const org = await newOrg(t);
    const admin = await addMember(t, org, "admin");
    const other = await addMember(t, org, "admin");
    const ownerId = await ownerMemberId(org);
    expect((await remove(admin.accessToken, other.member.id)).status).toBe(204);
    expectProblem(await remove(admin.accessToken, ownerId), 403, "permission_denied");
    expectProblem(await remove(org.ownerToken, ownerId), 409, "last_owner");
    expectProblem(await remove(org.secretKey, ownerId), 409, "last_owner");
  });

  it("keeps an owner when both owners are removed concurrently", async () => {
    const org = await newOrg(t);
    const second = await addMember(t, org, "owner");
    const first = await ownerMemberId(org);
    const results = await Promise.all([remove(org.secretKey, first), remove(org.secretKey, second.member.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    const page = expectStatus<{ data: Member[] }>(await members(org.secretKey, "?limit=100"), 200);
    expect(page.data.filter((m) => m.role === "owner")).toHaveLength(1);
  });
});
