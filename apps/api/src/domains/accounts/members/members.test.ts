import type { Member, Role, SecretKey } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createSecretKey,
  expectProblem,
  expectPublished,
  expectStatus,
  newOrg,
  type TestOrg,
  twoOrgs,
  uniqueEmail,
} from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
beforeAll(async () => {
  ({ t, a, b } = await twoOrgs());
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
    expectProblem(await patch(org.ownerToken, ownerId, "staff"), 409, "last_owner");
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
      // Each owner steps down themselves, in person (no key may demote an owner).
      const results = await Promise.all([patch(org.ownerToken, first, "staff"), patch(second.accessToken, second.member.id, "staff")]);
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
  });

  it("keeps an owner when both owners are removed concurrently", async () => {
    const org = await newOrg(t);
    const second = await addMember(t, org, "owner");
    const first = await ownerMemberId(org);
    // Each owner removes themselves, in person (no key may remove an owner).
    const results = await Promise.all([remove(org.ownerToken, first), remove(second.accessToken, second.member.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    const survivor = results[0]?.status === 204 ? second.accessToken : org.ownerToken;
    const page = expectStatus<{ data: Member[] }>(await members(survivor, "?limit=100"), 200);
    expect(page.data.filter((m) => m.role === "owner")).toHaveLength(1);
  });
});

/**
 * The whole matrix of who may do what to members: each role (owner, admin, staff) acting through
 * its own session and through a secret key minted with that role, against each member action.
 * A credential never carries more power than its creator, and ownership changes need an owner in
 * person: no key, whatever its role, can make, demote or remove an owner.
 */
describe("the member permission matrix (role × credential × action)", () => {
  type Action = "invite" | "staffToOwner" | "staffToAdmin" | "adminToStaff" | "demoteOwner" | "removeStaff" | "removeOwner";
  const ACTIONS: Action[] = ["invite", "staffToOwner", "staffToAdmin", "adminToStaff", "demoteOwner", "removeStaff", "removeOwner"];
  const ALL = new Set<Action>(ACTIONS);
  const ADMIN_LEVEL = new Set<Action>(["invite", "staffToAdmin", "adminToStaff", "removeStaff"]);
  const NONE = new Set<Action>();
  const matrix: { role: Role; credential: "session" | "key"; allowed: Set<Action> }[] = [
    { role: "owner", credential: "session", allowed: ALL },
    { role: "owner", credential: "key", allowed: ADMIN_LEVEL },
    { role: "admin", credential: "session", allowed: ADMIN_LEVEL },
    { role: "admin", credential: "key", allowed: ADMIN_LEVEL },
    { role: "staff", credential: "session", allowed: NONE },
    { role: "staff", credential: "key", allowed: NONE },
  ];

  /** The target each action needs, made fresh by the founding owner, and the request the action sends. */
  async function run(org: TestOrg, token: string, action: Action) {
    const target = async (role: Role) => (await addMember(t, org, role)).member;
    switch (action) {
      case "invite": {
        const r = await call(t, "POST", "/v1/organization/members", { token, body: { email: uniqueEmail("invitee"), role: "staff" } });
        return { r, ok: 202, after: async () => undefined };
      }
      case "staffToOwner":
      case "staffToAdmin":
      case "adminToStaff":
      case "demoteOwner": {
        const [from, to] = (
          {
            staffToOwner: ["staff", "owner"],
            staffToAdmin: ["staff", "admin"],
            adminToStaff: ["admin", "staff"],
            demoteOwner: ["owner", "admin"],
          } as const
        )[action];
        const m = await target(from);
        const r = await patch(token, m.id, to);
        return { r, ok: 200, after: async () => roleOf(org, m.id), expected: { allowed: to, denied: from } };
      }
      case "removeStaff":
      case "removeOwner": {
        const m = await target(action === "removeStaff" ? "staff" : "owner");
        const r = await remove(token, m.id);
        return { r, ok: 204, after: async () => roleOf(org, m.id), expected: { allowed: undefined, denied: m.role } };
      }
    }
  }

  async function roleOf(org: TestOrg, memberId: string): Promise<Role | undefined> {
    const page = expectStatus<{ data: Member[] }>(await members(org.ownerToken, "?limit=100"), 200);
    return page.data.find((m) => m.id === memberId)?.role;
  }

  for (const row of matrix) {
    it(`${row.role} ${row.credential}: ${ACTIONS.map((a) => `${a} ${row.allowed.has(a) ? "✓" : "✗"}`).join(", ")}`, {
      timeout: 60_000,
    }, async () => {
      const org = await newOrg(t);
      // The actor: the role in person (a second owner for "owner", so the founding owner stays),
      // or a key minted with the role. Staff cannot mint keys; the staff key is an owner's, narrowed.
      const actor = await addMember(t, org, row.role);
      let token = actor.accessToken;
      if (row.credential === "key") {
        if (row.role === "staff") {
          expectProblem(
            await call(t, "POST", "/v1/secret-keys", { token: actor.accessToken, body: { name: "No" } }),
            403,
            "permission_denied",
          );
          token = (await createSecretKey(t, org.ownerToken, "Staff key", "staff")).secret;
        } else {
          const key = await createSecretKey(t, actor.accessToken, `${row.role} key`);
          expect(key.role).toBe(row.role);
          token = key.secret;
        }
      }
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const action of ACTIONS) {
        const { r, ok, after, expected: state } = await run(org, token, action);
        const allowed = row.allowed.has(action);
        outcome[action] = `${r.status}${r.status >= 400 ? ` ${r.body?.code}` : ""}`;
        expected[action] = allowed ? String(ok) : "403 permission_denied";
        if (state) expect(await after(), `${action}: state after`).toBe(allowed ? state.allowed : state.denied);
      }
      expect(outcome).toEqual(expected);
    });
  }

  it("an admin cannot take the organization: no key above their role, none that promotes or removes the owner", async () => {
    const org = await newOrg(t);
    const admin = await addMember(t, org, "admin");
    expectProblem(
      await call(t, "POST", "/v1/secret-keys", { token: admin.accessToken, body: { name: "Escalate", role: "owner" } }),
      403,
      "permission_denied",
    );
    const key = await createSecretKey(t, admin.accessToken, "Admin key");
    expect(key.role).toBe("admin");
    expectProblem(await patch(key.secret, admin.member.id, "owner"), 403, "permission_denied");
    const ownerId = await ownerMemberId(org);
    expectProblem(await remove(key.secret, ownerId), 403, "permission_denied");
    expectProblem(await patch(key.secret, ownerId, "staff"), 403, "permission_denied");
    // Even a key the owner minted with the owner role cannot change ownership.
    const ownerKey = await createSecretKey(t, org.ownerToken, "Owner key");
    expect(ownerKey.role).toBe("owner");
    expectProblem(await patch(ownerKey.secret, admin.member.id, "owner"), 403, "permission_denied");
    expect(
      await (async () =>
        expectStatus<{ data: Member[] }>(await members(org.ownerToken, "?limit=100"), 200)
          .data.filter((m) => m.role === "owner")
          .map((m) => m.userId))(),
    ).toEqual([org.user.id]);
  });

  it("a key follows its creator: capped by their current role, and refused once they leave", async () => {
    const org = await newOrg(t);
    const admin = await addMember(t, org, "admin");
    const key = await createSecretKey(t, admin.accessToken, "Admin's key");
    expect(
      (await call(t, "POST", "/v1/organization/members", { token: key.secret, body: { email: uniqueEmail(), role: "staff" } })).status,
    ).toBe(202);
    expect((await patch(org.ownerToken, admin.member.id, "staff")).status).toBe(200);
    expectProblem(
      await call(t, "POST", "/v1/organization/members", { token: key.secret, body: { email: uniqueEmail(), role: "staff" } }),
      403,
      "permission_denied",
    );
    expect((await call(t, "GET", "/v1/organization", { token: key.secret })).status).toBe(200);
    expect((await remove(org.ownerToken, admin.member.id)).status).toBe(204);
    expectProblem(await call(t, "GET", "/v1/organization", { token: key.secret }), 401, "key_revoked");
    const listed = expectStatus<SecretKey>(await call(t, "GET", `/v1/secret-keys/${key.id}`, { token: org.ownerToken }), 200);
    expect(listed.revokedAt).not.toBeNull();
    // The owner's own key is untouched.
    expect((await call(t, "GET", "/v1/organization", { token: org.secretKey })).status).toBe(200);
  });
});
