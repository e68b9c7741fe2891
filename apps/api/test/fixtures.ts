import type {
  AcceptedInvitation,
  CreatedSecretKeySchema,
  Member,
  MemberInvitation,
  Organization,
  Participant,
  ParticipantToken,
  PublishableKey,
  PublishedEvent,
  Role,
  Session,
  User,
  z,
} from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import type { EmailPayload } from "../src/lib/outbox.js";
import type { Caller } from "../src/lib/types.js";
import { call, createTestApp, type TestApp } from "./harness.js";

/**
 * Test fixtures for the accounts domain, built only through the public API so every fixture
 * exercises the same code a client would. Each helper fails loudly (with the problem body)
 * when the API does not answer as expected.
 */

export type CreatedSecretKey = z.infer<typeof CreatedSecretKeySchema>;
type Response = Awaited<ReturnType<typeof call>>;

/** Asserts the status and returns the body; on a mismatch the message shows the whole response. */
export function expectStatus<T>(r: Response, status: number): T {
  if (r.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${r.status}: ${typeof r.body === "string" ? r.body : JSON.stringify(r.body)}`);
  }
  return r.body as T;
}

/** Asserts a problem+json answer with `status` and `code`, and returns the problem. */
export function expectProblem(r: Response, status: number, code: string) {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  expect(r.body).toMatchObject({ status, code, requestId: r.headers.get("x-request-id") });
  return r.body as { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };
}

let counter = 0;
/** A fresh, unique email address for this test process. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const TEST_PASSWORD = "correct horse battery staple";

export interface SignedUp {
  email: string;
  password: string;
  session: Session;
  user: User;
  org: Organization;
  accessToken: string;
  refreshToken: string;
}

/** Signs up a new organizer with their own organization (they are its owner). */
export async function signUp(
  t: TestApp,
  input: { email?: string; password?: string; name?: string; organizationName?: string } = {},
): Promise<SignedUp> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? TEST_PASSWORD;
  const r = await call(t, "POST", "/v1/auth/sign-up", {
    body: { email, password, name: input.name ?? "Test Organizer", organizationName: input.organizationName ?? "Test Org" },
  });
  const session = expectStatus<Session>(r, 201);
  return {
    email,
    password,
    session,
    user: session.user,
    org: session.organization,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
  };
}

/** Signs in (optionally to a given organization) and returns the session. */
export async function signIn(t: TestApp, email: string, password = TEST_PASSWORD, organizationId?: string): Promise<Session> {
  const r = await call(t, "POST", "/v1/auth/sign-in", { body: { email, password, ...(organizationId ? { organizationId } : {}) } });
  return expectStatus<Session>(r, 200);
}

/** Creates a secret key as an owner or admin (access token), with their role or `role`. `secret` is the `gk_sk_…` value. */
export async function createSecretKey(t: TestApp, accessToken: string, name = "Test server", role?: Role): Promise<CreatedSecretKey> {
  return expectStatus<CreatedSecretKey>(
    await call(t, "POST", "/v1/secret-keys", { token: accessToken, body: { name, ...(role ? { role } : {}) } }),
    201,
  );
}

export const TEST_ORIGIN = "https://host.example";

/** Creates a publishable key (as owner/admin or with a secret key) allowed on `origins`. */
export async function createPublishableKey(
  t: TestApp,
  token: string,
  origins: string[] = [TEST_ORIGIN],
  name = "Test site",
): Promise<PublishableKey> {
  return expectStatus<PublishableKey>(
    await call(t, "POST", "/v1/publishable-keys", { token, body: { name, allowedOrigins: origins } }),
    201,
  );
}

/** Mints a participant token with a secret key, creating or updating the participant `externalId`. */
export async function createParticipantToken(
  t: TestApp,
  secretKey: string,
  input: { externalId?: string; name?: string; email?: string; ttlSeconds?: number } = {},
): Promise<ParticipantToken> {
  const body = { externalId: input.externalId ?? `ext-${uniqueEmail("p")}`, name: input.name ?? "Test Participant", ...input };
  return expectStatus<ParticipantToken>(await call(t, "POST", "/v1/participant-tokens", { token: secretKey, body }), 201);
}

export interface TestOrg extends SignedUp {
  /** The owner's access token (same as `accessToken`). */
  ownerToken: string;
  /** A `gk_sk_…` secret key of the organization and its id. */
  secretKey: string;
  secretKeyId: string;
  /** A `gk_pk_…` publishable key allowed on `TEST_ORIGIN` (send `origin: TEST_ORIGIN`) and its id. */
  publishableKey: string;
  publishableKeyId: string;
  /** A `gk_pt_…` participant token and its participant. */
  participantToken: string;
  participant: Participant;
}

/**
 * A whole organization ready to use: an owner (access and refresh token), a secret key, a
 * publishable key allowed on TEST_ORIGIN and a participant token.
 *
 *   const a = await newOrg(t);
 *   await call(t, "GET", "/v1/organization", { token: a.secretKey });
 */
export async function newOrg(t: TestApp, opts: { organizationName?: string; email?: string } = {}): Promise<TestOrg> {
  const owner = await signUp(t, { organizationName: opts.organizationName ?? "Test Org", email: opts.email });
  const sk = await createSecretKey(t, owner.accessToken);
  const pk = await createPublishableKey(t, owner.accessToken);
  const pt = await createParticipantToken(t, sk.secret);
  return {
    ...owner,
    ownerToken: owner.accessToken,
    secretKey: sk.secret,
    secretKeyId: sk.id,
    publishableKey: pk.key,
    publishableKeyId: pk.id,
    participantToken: pt.token,
    participant: pt.participant,
  };
}

/** The caller a service sees for `org`'s secret key (for calling services directly, below the routes). */
export const secretKeyCaller = (org: TestOrg): Caller => ({ kind: "secret_key", orgId: org.org.id, keyId: org.secretKeyId, role: "owner" });

export interface TestMember {
  email: string;
  member: Member;
  /** An access token for the member, signed in to the organization they were added to. */
  accessToken: string;
  refreshToken: string;
}

/** The emails written to the outbox for `to` (optionally of one template), oldest first. */
export async function outboxEmails(t: TestApp, to: string, template?: string): Promise<EmailPayload[]> {
  const rows = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "email")).orderBy(asc(outbox.createdAt));
  return rows.map((r) => r.payload as EmailPayload).filter((p) => p.to === to && (template === undefined || p.template === template));
}

/** The token of the newest member invitation emailed to `to`. */
export async function invitationToken(t: TestApp, to: string): Promise<string> {
  const last = (await outboxEmails(t, to, "member_invitation")).at(-1);
  const token = last?.data.token;
  if (typeof token !== "string") throw new Error(`no member invitation was emailed to ${to}`);
  return token;
}

/** Invites `email` to `org` as `inviter` (202), and returns the invitation and its emailed token. */
export async function invite(t: TestApp, inviter: string, email: string, role: "admin" | "staff") {
  const invitation = expectStatus<MemberInvitation>(
    await call(t, "POST", "/v1/organization/members", { token: inviter, body: { email, role } }),
    202,
  );
  return { invitation, token: await invitationToken(t, email) };
}

/**
 * Adds a new person to `org` with `role`: the owner invites them (owners are invited as admin and
 * then promoted by the owner), they sign up, accept the emailed invitation, and sign in to `org`.
 */
export async function addMember(t: TestApp, org: { org: Organization; ownerToken: string }, role: Role): Promise<TestMember> {
  const person = await signUp(t, { organizationName: "Their own org" });
  const { token } = await invite(t, org.ownerToken, person.email, role === "owner" ? "admin" : role);
  const accepted = expectStatus<AcceptedInvitation>(
    await call(t, "POST", "/v1/member-invitations/accept", { token: person.accessToken, body: { token } }),
    201,
  );
  let member = accepted.member;
  if (role === "owner") {
    member = expectStatus<Member>(
      await call(t, "PATCH", `/v1/organization/members/${member.id}`, { token: org.ownerToken, body: { role: "owner" } }),
      200,
    );
  }
  const session = await signIn(t, person.email, person.password, org.org.id);
  return { email: person.email, member, accessToken: session.accessToken, refreshToken: session.refreshToken };
}

/** The `name=value` pairs of a response's Set-Cookie headers, with their attributes. */
export function cookiesOf(r: { headers: Headers }): Record<string, { value: string; attributes: string }> {
  const out: Record<string, { value: string; attributes: string }> = {};
  for (const line of r.headers.getSetCookie()) {
    const [pair = "", ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    out[pair.slice(0, eq).trim()] = { value: pair.slice(eq + 1), attributes: attrs.map((a) => a.trim()).join("; ") };
  }
  return out;
}

/**
 * Waits until `event` has been published to `room`. Publishing goes through the outbox and
 * is delivered after the response, so a test waits for it instead of looking at once.
 */
export async function expectPublished(t: TestApp, room: string, event: PublishedEvent): Promise<void> {
  await vi.waitFor(() => expect(t.published).toContainEqual({ room, event }), { timeout: 5_000, interval: 10 });
}

/** The realtime events recorded in the outbox for `room`, oldest first (written with the change, before the response). */
export async function outboxEvents(t: TestApp, room: string): Promise<PublishedEvent[]> {
  const rows = await t.deps.db.select().from(outbox).where(eq(outbox.kind, "realtime")).orderBy(asc(outbox.createdAt));
  return rows
    .map((r) => r.payload as { room: string; event: PublishedEvent })
    .filter((p) => p.room === room)
    .map((p) => p.event);
}

/**
 * The usual start of an API test file: a fresh API (see `createTestApp`) with two organizations,
 * `a` to act in and `b` to prove isolation against.
 *
 *   let t: TestApp; let a: TestOrg; let b: TestOrg;
 *   beforeAll(async () => { ({ t, a, b } = await twoOrgs()); });
 *   afterAll(() => t.close());
 */
export async function twoOrgs(opts?: Parameters<typeof createTestApp>[0]): Promise<{ t: TestApp; a: TestOrg; b: TestOrg }> {
  const t = await createTestApp(opts);
  return { t, a: await newOrg(t), b: await newOrg(t) };
}
