import type { ChatMessage, Proposal } from "@gatherkit/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { snapshotDb } from "./db-snapshot.js";
import { addMember, createPublishableKey, createSecretKey, expectStatus, invite, signIn, signUp, TEST_ORIGIN } from "./fixtures.js";
import { call, createTestApp, type TestApp } from "./harness.js";
import { type IsolationOrg, isolationOrg } from "./isolation-fixtures.js";
import {
  createResponseChecker,
  deref,
  fillPath,
  HTTP_METHODS,
  idPrefixesIn,
  idPrefixOf,
  idsIn,
  type JsonSchema,
  loadSpec,
  type Operation,
  operations,
  preview,
  recordingApp,
  validValue,
  wrongTypeValue,
} from "./openapi-walk.js";
import { joinPlan, newPlan } from "./plan-fixtures.js";

/**
 * Contract fuzz: every operation of the served OpenAPI document gets generated requests —
 * valid and broken path ids, query strings, JSON bodies from the request schema and mutations
 * of them, malformed JSON, wrong content types — each sent with every kind of credential. Every
 * answer must be a documented status (never 5xx) whose body matches the documented schema;
 * problems are problem+json. New routes are fuzzed as soon as they are in the document.
 *
 * Every operation must reach a success answer at least once (so its success schema is checked
 * too), unless NEVER_SUCCEEDS below says why it cannot. Each operation's run starts with the
 * requests the fixtures made to it successfully and with their path ids (a plan with one of its
 * proposals) and bodies, then goes on with generated cases.
 *
 * A failure prints the command that replays it (FUZZ_SEED, FUZZ_PATH and the operation's name for
 * `-t`; FUZZ_PATH only makes sense for that one operation). FUZZ_RUNS sets cases per operation.
 */

const BASE_SEED = Number(process.env.FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const REPLAY_PATH = process.env.FUZZ_PATH;

// Calendar connections configured (a token key and a default Google app), so connecting a client
// can begin; no fuzz case reaches Google, since no client of the fuzz is connected. The organizer's
// access token lives as long as the longest run (FUZZ_RUNS=150 takes over 15 minutes on a busy machine).
const t = await createTestApp({
  env: {
    ACCESS_TOKEN_TTL_SECONDS: String(6 * 60 * 60),
    CALENDAR_TOKEN_KEY: `fuzz:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`,
    GOOGLE_CLIENT_ID: "fuzz.apps.googleusercontent.com",
    GOOGLE_CLIENT_SECRET: "fuzz-secret",
  },
});
afterAll(() => t.close());

const doc = await loadSpec(t);
const ops = operations(doc);
const check = createResponseChecker(doc);
const maxBodyBytes = t.deps.config.maxBodyBytes;

// The organization with one object of every kind (test/isolation-fixtures.ts, shared with the
// tenant-isolation harness: a kind added there is fuzzed with real ids here), plus objects the
// fuzz may change or delete. The credentials' own keys are never offered as ids, so they keep
// working for the whole run.
const recorded = recordingApp(t);
const org = await isolationOrg(recorded.app, "Fuzz Org");
const victims = {
  secretKeys: [await createSecretKey(t, org.ownerToken, "victim 1"), await createSecretKey(t, org.ownerToken, "victim 2")],
  publishableKeys: [await createPublishableKey(t, org.ownerToken), await createPublishableKey(t, org.ownerToken)],
  members: [await addMember(t, org, "staff"), await addMember(t, org, "admin"), await addMember(t, org, "staff")],
  /** Someone with an account who is not a member yet (invited; their organization invites the fuzz owner). */
  outsider: await signUp(t, { organizationName: "Outsider Org" }),
};
/**
 * Objects in the states that other operations need to succeed, made through `recorded` so the
 * fuzz offers their ids together and replays the requests with their callers: a finalized plan
 * (complete), a planning plan with a yes vote (finalize top_voted, the body the first plan was
 * finalized with) and a rejected proposal (reopen), a vote and a place a member can withdraw,
 * a message its author edited, an expense its recorder edited, a calendar feed read with its token.
 */
async function lifecycle(app: TestApp, o: IsolationOrg) {
  const post = (path: string, body?: unknown, token = o.secretKey) =>
    call(app, "POST", path, { token, ...(body === undefined ? {} : { body }) });
  const finalized = await newPlan(app, o, { title: "Fuzz finalized trip" });
  const voter = await joinPlan(app, o, finalized, "Fuzz voter");
  const kept = expectStatus<Proposal>(await post(`/v1/plans/${finalized.id}/proposals`, { title: "Kept" }), 201);
  expectStatus(
    await call(app, "PUT", `/v1/plans/${finalized.id}/proposals/${kept.id}/vote`, { token: voter.token, body: { value: "yes" } }),
    200,
  );
  expectStatus(await post(`/v1/plans/${finalized.id}/finalize`, { mode: "top_voted", count: 1 }), 200);
  // A planning plan: a member voted yes on a proposal and took a place in it, another proposal
  // was rejected, the member edited a message, the plan was edited and its calendar feed read.
  const planning = await newPlan(app, o, { title: "Fuzz planning trip" });
  const member = await joinPlan(app, o, planning, "Fuzz member");
  const liked = expectStatus<Proposal>(await post(`/v1/plans/${planning.id}/proposals`, { title: "Liked", capacity: 10 }), 201);
  expectStatus(
    await call(app, "PUT", `/v1/plans/${planning.id}/proposals/${liked.id}/vote`, { token: member.token, body: { value: "yes" } }),
    200,
  );
  expectStatus(await post(`/v1/plans/${planning.id}/proposals/${liked.id}/commitment`, undefined, member.token), 201);
  const rejected = expectStatus<Proposal>(await post(`/v1/plans/${planning.id}/proposals`, { title: "Rejected" }), 201);
  expectStatus(await post(`/v1/plans/${planning.id}/proposals/${rejected.id}/reject`), 200);
  expectStatus(await call(app, "PATCH", `/v1/plans/${planning.id}`, { token: o.secretKey, body: { description: "Edited" } }), 200);
  const message = expectStatus<ChatMessage>(await post(`/v1/plans/${planning.id}/messages`, { body: "On my way" }, member.token), 201);
  expectStatus(
    await call(app, "PATCH", `/v1/plans/${planning.id}/messages/${message.id}`, { token: member.token, body: { body: "On my way!" } }),
    200,
  );
  // The member recorded an expense and then corrected it.
  const expense = expectStatus<{ id: string }>(
    await post(
      `/v1/plans/${planning.id}/expenses`,
      { description: "Fuzz taxi", amount: 1200, currency: planning.currency, split: { mode: "equal" } },
      member.token,
    ),
    201,
  );
  expectStatus(
    await call(app, "PATCH", `/v1/plans/${planning.id}/expenses/${expense.id}`, {
      token: member.token,
      body: { description: "Fuzz taxi, edited" },
    }),
    200,
  );
  const feed = new URL(planning.calendarUrl ?? "");
  expectStatus(await call(app, "GET", `${feed.pathname}${feed.search}`), 200);
  return { finalized, voter: voter.participant, kept, planning, member: member.participant, liked, rejected, message };
}
const states = await lifecycle(recorded.app, org);
/**
 * Bodies no fixture may send through `recorded` without spending them, by operation: a refresh
 * token of its own sign-in (refreshing rotates it; the snapshot brings it back for each run).
 */
const seededBodies: Record<string, unknown[]> = {
  "POST /v1/auth/refresh": [{ refreshToken: (await signIn(t, org.email)).refreshToken }],
  // An invitation of the outsider's organization to the fuzz organization's owner, who accepts it.
  "POST /v1/member-invitations/accept": [{ token: (await invite(t, victims.outsider.accessToken, org.email, "staff")).token }],
  // A new end two hours from now: after the end of the fixture's (one-minute) bookings, within a day.
  "POST /v1/bookings/{bookingId}/extend": [{ end: new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 3_600_000).toISOString() }],
  // The holder of the fixture's calendar feed URL rotates or revokes it with its token (shown once, when it was made).
  "POST /v1/calendar-feeds/{feedId}/token/rotate": [{ token: (org.objects.calendarFeed as { token: string }).token }],
  "POST /v1/calendar-feeds/{feedId}/token/revoke": [{ token: (org.objects.calendarFeed as { token: string }).token }],
};
const credentialIds = new Set([org.secretKeyId, org.publishableKeyId]);
// Every operation starts from this data, whatever the operations before it did.
const snapshot = await snapshotDb(t);
const hints = [
  ...[...idsIn([org.objects, states, victims.secretKeys, victims.publishableKeys, victims.members.map((m) => m.member)])].filter(
    (id) => !credentialIds.has(id),
  ),
  ...org.references,
  ...Object.values(org.pathValues),
  victims.outsider.email,
  ...victims.members.map((m) => m.email),
  TEST_ORIGIN,
];

type Credential = { name: string; headers: Record<string, string> };
/** Every case is sent with each of these. */
const validCredentials: Credential[] = [
  { name: "no credential", headers: {} },
  { name: "organizer access token", headers: { authorization: `Bearer ${org.ownerToken}` } },
  { name: "secret key", headers: { authorization: `Bearer ${org.secretKey}` } },
  { name: "publishable key", headers: { authorization: `Bearer ${org.publishableKey}`, origin: TEST_ORIGIN } },
  { name: "participant token", headers: { authorization: `Bearer ${org.participantToken}` } },
];
/**
 * And with one of these, in turn: the organizer's cookie (the same caller as the access token),
 * credentials that are there but wrong (every route meets them before its own checks), and the
 * fixture's other callers.
 */
const wrongCredentials: Credential[] = [
  { name: "organizer cookie", headers: { cookie: `gk_access=${org.ownerToken}` } },
  { name: "unknown secret key", headers: { authorization: "Bearer gk_sk_00000000000000000000000000000000" } },
  { name: "malformed Authorization", headers: { authorization: "Basic Zm9vOmJhcg==" } },
  {
    name: "publishable key from a foreign origin",
    headers: { authorization: `Bearer ${org.publishableKey}`, origin: "https://evil.example" },
  },
  { name: "stale cookie", headers: { cookie: "gk_access=not-a-jwt" } },
  // Any other kind of caller the fixture has (an admin, a plan participant, …).
  ...org.credentials.filter((c) => !validCredentials.some((v) => v.headers.authorization === c.headers.authorization)),
];
const credentials = [...validCredentials, ...wrongCredentials];

// ---- generated requests -----------------------------------------------------

interface Body {
  label: string;
  text: string | undefined;
  contentType: string | undefined;
}

interface Case {
  params: Record<string, string>;
  query: string;
  body: Body | undefined;
  idempotencyKey: string | undefined;
  /** For operations without a security requirement: the one credential (index) this case is sent with. */
  credential: number | undefined;
  /** Which of `wrongCredentials` this case is also sent with (operations with a security requirement). */
  wrong: number;
  /** Replayed cases: exactly the credentials to send with (the fixture's caller among them). */
  as?: Credential[];
}

const prefixes = idPrefixesIn(doc);
const RAW_PATH_VALUES = [
  "0",
  "-1",
  "null",
  "undefined",
  "%00",
  "%",
  "%zz",
  "%E0%A4%A",
  "%2F",
  "a%2Fb",
  "%20",
  "%3Cscript%3E",
  "'%20OR%201=1%20--",
];
const enc = encodeURIComponent;

function pathValue(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const s = schema ? deref(doc, schema) : {};
  const pattern = typeof s.pattern === "string" ? new RegExp(s.pattern) : undefined;
  const prefix = idPrefixOf(doc, s) ?? "x";
  const existing = pattern ? hints.filter((h) => pattern.test(h)) : [];
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: pattern ? fc.stringMatching(pattern) : fc.string({ minLength: 1 }).map(enc) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...prefixes.filter((p) => p !== prefix), "ORG", "pk-", ""), fc.stringMatching(/^[0-9a-z]{8,40}$/))
        .map(([p, rest]) => enc(`${p}_${rest}`)),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30, unit: "grapheme" }).map(enc) },
    { weight: 1, arbitrary: fc.constantFrom(2_000, 20_000).map((n) => `${prefix}_${"a".repeat(n)}`) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_VALUES) },
  ];
  if (existing.length > 0) options.push({ weight: 3, arbitrary: fc.constantFrom(...existing) });
  // "." and ".." would be resolved away by URL parsing and name another route.
  return fc.oneof(...options).filter((v) => v !== "" && v !== "." && v !== "..");
}

const base64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

function queryValue(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const s = schema ? deref(doc, schema) : {};
  return fc.oneof(
    { weight: 3, arbitrary: validValue(doc, s, hints).map((v) => enc(typeof v === "string" ? v : JSON.stringify(v))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("-1", "0", "101", "1e3", "1.5", "NaN", "Infinity", "", "null", "true", "9".repeat(400)).map(enc),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: "grapheme" }).map(enc) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => base64url(JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.tuple(fc.double(), fc.string({ maxLength: 30 })).map((v) => base64url(JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "a".repeat(5_000)) },
  );
}

function queryString(op: Operation): fc.Arbitrary<string> {
  const parts = op.queryParams.map((p) =>
    fc.option(
      queryValue(p.schema).map((v) => `${enc(p.name)}=${v}`),
      { freq: 2 },
    ),
  );
  const repeated = op.queryParams.map((p) =>
    fc.option(
      queryValue(p.schema).map((v) => `${enc(p.name)}=${v}`),
      { freq: 8 },
    ),
  );
  const unknown = fc.option(
    fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 })).map(([k, v]) => `${enc(k)}=${enc(v)}`),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...parts), fc.tuple(...repeated), unknown).map(([a, b, u]) => {
    const all = [...a, ...b, u].filter((x): x is string => x !== null);
    return all.length ? `?${all.join("&")}` : "";
  });
}

const WRONG_CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/xml",
  "application/jsonx",
  "",
];
const MALFORMED_JSON = [
  "{",
  '{"a":',
  "[1,2",
  "nul",
  "{'a':1}",
  '{"a":1,}',
  "\u0000",
  "NaN",
  "\uFEFF{}",
  '{"a":"\\ud800"}',
  "}{",
  "1 2",
  '"unterminated',
];

/** A nested JSON text `depth` levels deep, built as text (a JS object that deep cannot be stringified). */
const deepText = (depth: number) => `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;
const SLOT = "__fuzz_slot__";

function bodies(op: Operation): fc.Arbitrary<Body | undefined> {
  if (!op.body) return fc.constant(undefined);
  const schema = deref(doc, op.body.schema);
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(props);
  const required = ((schema.required ?? []) as string[]).filter((k) => k in props);
  const valid = validValue(doc, schema, hints);
  const asObject = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const json = (label: string) => (v: unknown) => ({ label, text: JSON.stringify(v), contentType: "application/json" });
  const withSlot = (label: string, fill: (depthOrSize: number) => string, sizes: number[]) =>
    fc.tuple(valid, names.length ? fc.constantFrom(...names) : fc.constant(undefined), fc.constantFrom(...sizes)).map(([v, k, n]) => {
      const text = k === undefined ? JSON.stringify(SLOT) : JSON.stringify({ ...asObject(v), [k]: SLOT });
      return {
        label: `${label} ${n}${k ? ` in ${k}` : ""}`,
        text: text.replace(JSON.stringify(SLOT), fill(n)),
        contentType: "application/json",
      };
    });
  const options: fc.WeightedArbitrary<Body | undefined>[] = [
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in props) && k !== "__proto__"),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([v, k, x]) => json(`unknown field ${k}`)({ ...asObject(v), [k]: x })),
    },
    { weight: 2, arbitrary: wrongTypeValue(doc, schema).map(json("root of the wrong type")) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json("random JSON")) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(...MALFORMED_JSON),
          fc.string({ maxLength: 30 }),
          valid.map((v) => JSON.stringify(v).slice(0, -1)),
        )
        .map((text) => ({ label: "malformed JSON", text, contentType: "application/json" })),
    },
    { weight: 1, arbitrary: fc.constant({ label: "empty body", text: "", contentType: "application/json" }) },
    { weight: 1, arbitrary: fc.constant({ label: "no body", text: undefined, contentType: undefined }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES))
        .map(([v, contentType]) => ({ label: `content-type "${contentType}"`, text: JSON.stringify(v), contentType })),
    },
    {
      weight: 1,
      arbitrary: valid.map((v) => ({
        label: "charset and +json",
        text: JSON.stringify(v),
        contentType: "application/merge-patch+json; charset=utf-8",
      })),
    },
    { weight: 1, arbitrary: withSlot("nested", deepText, [64, 5_000, 100_000]) },
    { weight: 2, arbitrary: withSlot("huge string", (n) => JSON.stringify("x".repeat(n)), [300, 70_000, maxBodyBytes + 1]) },
  ];
  if (names.length > 0) {
    options.push(
      {
        weight: 3,
        arbitrary: fc
          .constantFrom(...names)
          .chain((k) => fc.tuple(valid, fc.constant(k), wrongTypeValue(doc, props[k] ?? {})))
          .map(([v, k, x]) => json(`wrong type for ${k}`)({ ...asObject(v), [k]: x })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(valid, fc.constantFrom(...names)).map(([v, k]) => json(`null ${k}`)({ ...asObject(v), [k]: null })),
      },
    );
  }
  if (required.length > 0) {
    options.push({
      weight: 2,
      arbitrary: fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
        const o = { ...asObject(v) };
        delete o[k];
        return json(`without ${k}`)(o);
      }),
    });
  }
  return fc.oneof(...options);
}

/** Path values most likely to reach the handler: ids of real objects, or well-formed ones. */
function validPathValue(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const s = schema ? deref(doc, schema) : {};
  const pattern = typeof s.pattern === "string" ? new RegExp(s.pattern) : undefined;
  const existing = pattern ? hints.filter((h) => pattern.test(h)) : [];
  const wellFormed = validValue(doc, s, hints).map((v) => enc(String(v)));
  return existing.length > 0
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...existing) }, { weight: 1, arbitrary: wellFormed })
    : wellFormed;
}

/**
 * A case is a well-formed request (real ids, valid query, a body generated from the schema)
 * with at most one part broken: the path, the query, the body or the Idempotency-Key. Breaking
 * one part at a time lets each fault reach the code that must refuse it.
 */
function cases(op: Operation): fc.Arbitrary<Case & { broken: string }> {
  const record = <T>(entries: [string, fc.Arbitrary<T>][]) => fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<T>>);
  // Ids that belong together (a plan and one of its proposals) most of the time, else each on its own.
  const together = recorded.paramsFor(op).map((p) => p.params);
  const separate = record(op.pathParams.map((p) => [p.name, validPathValue(p.schema)]));
  const params = together.length
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...together) }, { weight: 1, arbitrary: separate })
    : separate;
  const query = fc
    .tuple(
      ...op.queryParams.map((p) =>
        fc.oneof(
          { weight: p.required ? 0 : 2, arbitrary: fc.constant(null) },
          {
            weight: 1,
            arbitrary: validValue(doc, p.schema ?? {}, hints).map(
              (v) => `${enc(p.name)}=${enc(typeof v === "string" ? v : JSON.stringify(v))}`,
            ),
          },
        ),
      ),
    )
    .map((parts) => {
      const set = parts.filter((x): x is string => x !== null);
      return set.length ? `?${set.join("&")}` : "";
    });
  // Generated from the schema, or one the fixtures sent successfully (it passes refinements too).
  const known = knownBodies(op);
  const validBody: fc.Arbitrary<Body | undefined> = op.body
    ? fc
        .oneof(validValue(doc, op.body.schema, hints), ...(known.length ? [fc.constantFrom(...known)] : []))
        .map((v) => ({ label: "valid", text: JSON.stringify(v), contentType: "application/json" }))
    : fc.constant(undefined);
  // Operations that need no credential are sent with one credential per case (rotating through
  // all of them); the others with every credential. Anonymous routes hash passwords, and one
  // credential per case keeps the run short without leaving any credential out.
  const anonymous = isAnonymous(op);
  const credential = anonymous ? fc.nat(credentials.length - 1) : fc.constant(undefined);
  const wrong = fc.nat(wrongCredentials.length - 1);
  const base = fc.record({ params, query, body: validBody, idempotencyKey: fc.constant<string | undefined>(undefined), credential, wrong });
  const variants: fc.WeightedArbitrary<Case & { broken: string }>[] = [
    { weight: 3, arbitrary: base.map((c) => ({ ...c, broken: "nothing" })) },
  ];
  if (op.pathParams.length > 0) {
    const broken = record(op.pathParams.map((p) => [p.name, pathValue(p.schema)]));
    variants.push({
      weight: 2,
      arbitrary: fc.tuple(base, broken).map(([c, b]) => ({ ...c, params: { ...c.params, ...b }, broken: "path" })),
    });
  }
  variants.push({ weight: 2, arbitrary: fc.tuple(base, queryString(op)).map(([c, q]) => ({ ...c, query: q, broken: "query" })) });
  if (op.body) variants.push({ weight: 6, arbitrary: fc.tuple(base, bodies(op)).map(([c, b]) => ({ ...c, body: b, broken: "body" })) });
  else if (op.method === "delete" || op.method === "post") {
    variants.push({
      weight: 1,
      arbitrary: fc
        .tuple(base, bodies({ ...op, body: { required: false, schema: {}, pointer: "" } }))
        .map(([c, b]) => ({ ...c, body: b, broken: "unexpected body" })),
    });
  }
  if (op.method === "post") {
    const key = fc.oneof(fc.constantFrom("fuzz-1", "fuzz-2", "fuzz-3"), fc.constantFrom("ü", "a b", "", "k".repeat(300)));
    const mutated = fc.oneof(validBody, op.body ? bodies(op) : fc.constant(undefined));
    variants.push({
      weight: 2,
      arbitrary: fc.tuple(base, key, mutated).map(([c, k, b]) => ({ ...c, body: b, idempotencyKey: k, broken: "Idempotency-Key" })),
    });
  }
  return fc.oneof(...variants);
}

function knownBodies(op: Operation): unknown[] {
  return [...recorded.bodiesFor(op), ...(seededBodies[op.name] ?? [])];
}

const isAnonymous = (op: Operation) => !op.op.security || op.op.security.length === 0;

/**
 * The cases every run of `op` starts with: the fixtures' own successful requests to it, then each
 * set of ids that belong together with the first known body (none when the operation takes none).
 * Each is sent as the fixture's callers sent it (a plan's participant, or no credential at all)
 * and, where a credential is required, with the usual credentials too.
 */
function replayedCases(op: Operation): (Case & { broken: string })[] {
  const json = (v: unknown): Body => ({ label: "known to work", text: JSON.stringify(v), contentType: "application/json" });
  // The fixture's callers, then (where a credential is required) the usual ones.
  const as = (callers: Record<string, string>[]): Credential[] => {
    const list = [
      ...callers.map((headers) => ({ name: `the fixture's caller (${preview(headers.authorization ?? "no credential", 24)})`, headers })),
      ...(isAnonymous(op) ? [] : validCredentials),
    ];
    return list.filter((c, i) => list.findIndex((d) => JSON.stringify(d.headers) === JSON.stringify(c.headers)) === i);
  };
  const base = { idempotencyKey: undefined, credential: undefined, wrong: 0, broken: "nothing (replayed)" };
  const out: (Case & { broken: string })[] = recorded.requestsFor(op).map((r) => ({
    ...base,
    params: r.params,
    query: r.query,
    body: r.body === undefined ? undefined : json(r.body),
    as: as([r.headers]),
  }));
  const [body] = knownBodies(op);
  if (!op.body || body !== undefined) {
    const together = op.pathParams.length ? recorded.paramsFor(op) : [{ params: {}, callers: [{}] }];
    out.push(
      ...together.map((p) => ({
        ...base,
        params: p.params,
        query: "",
        body: body === undefined ? undefined : json(body),
        as: as(p.callers),
      })),
    );
  }
  return out.slice(0, 12);
}

function describeCase(op: Operation, c: Case & { broken?: string }): string {
  const url = fillPath(op.path, c.params) + c.query;
  const body = c.body ? ` body (${c.body.label}, content-type ${JSON.stringify(c.body.contentType)}): ${preview(c.body.text, 300)}` : "";
  const key = c.idempotencyKey ? ` Idempotency-Key: ${preview(c.idempotencyKey, 40)}` : "";
  return `${op.method.toUpperCase()} ${preview(url, 300)}${key}${body} (broken: ${c.broken ?? "?"})`;
}

// ---- the run ----------------------------------------------------------------

/**
 * Operations the fuzz cannot bring to a success answer, each with the reason. Everything else
 * must answer a 2xx at least once, so its success schema is checked against the document.
 */
const GOOGLE =
  "needs a client connected to Google, which the fuzz app has no stand-in for (src/domains/calendars tests connect one against test/google-standin.ts)";
const NEVER_SUCCEEDS: Record<string, string> = {
  "POST /v1/notifications/suppressions/lift":
    "needs a suppressed address, which only a provider's signed bounce or complaint makes (src/platform/notifications/suppressions.test.ts)",
  "POST /v1/auth/password-reset/confirm":
    "succeeds only with the token of an emailed reset link, which exists only in the outbox (src/domains/accounts/password-reset tests)",
  "GET /v1/auth/sso/start": "answers a 302 to the provider, and only where OIDC_* are set (src/domains/accounts/sso tests)",
  "GET /v1/auth/sso/callback":
    "succeeds (302) only with this browser's signed state cookie and a code from the provider (src/domains/accounts/sso tests, against a local OIDC stand-in)",
  "GET /v1/files/{id}":
    "answers a 302 redirect (not a 2xx) for an attached file, which the fuzz's objects have none of (src/platform/uploads/uploads.test.ts follows it)",
  "GET /v1/calendar-connections/callback":
    "succeeds only with a state this API signed for a consent in progress (src/domains/calendars/connections tests)",
  "DELETE /v1/clients/{clientId}/connection": GOOGLE,
  "GET /v1/clients/{clientId}/calendars": GOOGLE,
  "GET /v1/clients/{clientId}/calendars/{calendarId}/events": GOOGLE,
  "GET /v1/clients/{clientId}/calendars/{calendarId}/events.ics": GOOGLE,
  "POST /v1/clients/{clientId}/calendars/{calendarId}/events": GOOGLE,
  "GET /v1/clients/{clientId}/calendars/{calendarId}/events/{calendarEventId}": GOOGLE,
  "PATCH /v1/clients/{clientId}/calendars/{calendarId}/events/{calendarEventId}": GOOGLE,
  "DELETE /v1/clients/{clientId}/calendars/{calendarId}/events/{calendarEventId}": GOOGLE,
  "POST /v1/clients/{clientId}/sync-rules": GOOGLE,
  "POST /v1/payments/webhook":
    "succeeds only for a body signed with the payments provider's webhook secret, which no caller has (src/platform/payments/payments.test.ts delivers signed events)",
  "POST /v1/notifications/sms/status":
    "exists only where SMS go through Twilio and succeeds only for a request signed with its auth token (src/platform/notifications/sms-status.test.ts sends signed callbacks)",
  "POST /v1/notifications/email/events":
    "exists only where email goes through Resend with a webhook secret, and succeeds only for a body signed with it (src/platform/notifications/email-events.test.ts posts signed events)",
};

/** Statuses seen per operation, printed at the end so a reader sees what the fuzz reached. */
const seen = new Map<string, Map<number, number>>();

function seedFor(name: string): number {
  let h = BASE_SEED | 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

describe("contract fuzz: every operation answers only what it documents", () => {
  it("walks a document with operations", () => {
    expect(ops.length).toBeGreaterThan(0);
  });

  for (const op of ops) {
    it(op.name, { timeout: 120_000 }, async () => {
      await snapshot.restore();
      const counts = new Map<number, number>();
      seen.set(op.name, counts);
      const property = fc.asyncProperty(cases(op), async (c) => {
        const sendAs =
          c.as ?? (c.credential === undefined ? [...validCredentials, wrongCredentials[c.wrong]] : [credentials[c.credential]]);
        for (const cred of sendAs.filter((x): x is Credential => x !== undefined)) {
          const headers: Record<string, string> = { ...cred.headers };
          if (c.body?.contentType !== undefined) headers["content-type"] = c.body.contentType;
          if (c.idempotencyKey !== undefined) headers["idempotency-key"] = c.idempotencyKey;
          const r = await call(t, op.method.toUpperCase(), fillPath(op.path, c.params) + c.query, {
            headers,
            ...(c.body?.text !== undefined ? { raw: c.body.text } : {}),
          });
          counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
          const errors = check(op, r);
          if (errors.length > 0) {
            throw new Error(
              `${op.name} as ${cred.name}\n  request: ${describeCase(op, c)}\n  answer: ${r.status} ${preview(r.body)}\n  - ${errors.join("\n  - ")}`,
            );
          }
        }
      });
      const seed = seedFor(op.name);
      const out = await fc.check(property, {
        seed,
        numRuns: RUNS,
        endOnFailure: true,
        examples: replayedCases(op).map((c) => [c] as [Case & { broken: string }]),
        ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}),
      });
      if (out.failed) {
        const message = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
        throw new Error(
          `${message}\n\nCase ${out.numRuns} of ${RUNS} (this operation's seed ${out.seed}). Reproduce: FUZZ_SEED=${BASE_SEED} FUZZ_PATH=${out.counterexamplePath} pnpm --filter @gatherkit/api exec vitest run test/contract-fuzz.test.ts -t "${op.name}"`,
        );
      }
    });
  }

  it("every operation reached a success answer, or NEVER_SUCCEEDS says why not", () => {
    const ran = [...seen].filter(([name]) => ops.some((o) => o.name === name));
    const succeeded = (counts: Map<number, number>) => [...counts.keys()].some((s) => s >= 200 && s < 300);
    const unexplained = ran.filter(([name, counts]) => !succeeded(counts) && !(name in NEVER_SUCCEEDS)).map(([name]) => name);
    const stale = ran.filter(([name, counts]) => succeeded(counts) && name in NEVER_SUCCEEDS).map(([name]) => name);
    const unknown = Object.keys(NEVER_SUCCEEDS).filter((name) => !ops.some((o) => o.name === name));
    expect(
      { unexplained, stale, unknown },
      "unexplained: never answered 2xx (seed the state that lets it succeed, or list it in NEVER_SUCCEEDS with the reason); stale: listed but succeeded; unknown: listed but not in the document",
    ).toEqual({ unexplained: [], stale: [], unknown: [] });
  });

  it("answers methods a path does not document with a 404 or 405 problem", async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of HTTP_METHODS.filter((m) => !item[m])) {
        const url = fillPath(path, Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1] ?? "", "x_0123456789"])));
        const r = await call(t, method.toUpperCase(), url, { token: org.ownerToken, ...(method === "get" ? {} : { body: {} }) });
        expect([404, 405], `${method.toUpperCase()} ${url} answered ${r.status}`).toContain(r.status);
        expect(r.headers.get("content-type")).toBe("application/problem+json");
        expect(r.body).toMatchObject({ status: r.status, requestId: r.headers.get("x-request-id") });
      }
    }
  });

  afterAll(() => {
    const rows = [...seen].map(([name, counts]) => {
      const statuses = [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      return `  ${name.padEnd(44)} ${statuses.join(" ")}`;
    });
    const never2xx = [...seen].filter(([, counts]) => ![...counts.keys()].some((s) => s >= 200 && s < 300)).map(([name]) => name);
    if (never2xx.length) rows.push(`  never reached a 2xx (its success schema went unchecked): ${never2xx.join(", ")}`);
    const total = [...seen.values()].reduce((n, counts) => n + [...counts.values()].reduce((a, b) => a + b, 0), 0);
    console.log(
      `contract fuzz: seed ${BASE_SEED}, ${RUNS} cases per operation, each sent with ${validCredentials.length} credentials and one of ${wrongCredentials.length} more in turn (one of all ${credentials.length} where no credential is needed); ${total} requests\n${rows.join("\n")}`,
    );
  });
});
