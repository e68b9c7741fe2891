import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { startGoogleStandIn } from "./google-standin.js";
import { call, createTestApp } from "./harness.js";
import { type IsolationOrg, idsByPrefix, isolationOrg } from "./isolation-fixtures.js";
import { fillPath, idPrefixOf, idsIn, loadSpec, type Operation, operations, preview, recordingApp, validValue } from "./openapi-walk.js";

/**
 * Tenant isolation, generic over the served OpenAPI document: organization A's callers (owner,
 * admin, secret key, publishable key, participant) call every operation that takes an id on
 * organization B's objects, and every operation whose body can name B's objects with those
 * names. Nothing may succeed, B must read the same afterwards, and nothing A can list or read
 * may mention B's ids or secrets. An operation whose id kind has no fixture fails: add one to
 * isolationOrg() in test/isolation-fixtures.ts.
 */

// Google is a stand-in giving each organization's client an account of its own, so B's
// calendars and events exist and A's reads of its own could show them only by a leak.
const google = await startGoogleStandIn();
google.separateAccounts = true;
const t = await createTestApp({ env: google.env });
afterAll(async () => {
  t.close();
  await google.close();
});

const doc = await loadSpec(t);
const ops = operations(doc);
// The fixtures' own successful requests give each operation bodies known to pass validation.
const recordedA = recordingApp(t);
const recordedB = recordingApp(t);
const a = await isolationOrg(recordedA.app, "Org A", { google: true });
const b = await isolationOrg(recordedB.app, "Org B", { google: true });
/**
 * Bodies the fixtures sent successfully. Only for operations with a security requirement: on the
 * others (sign-in) the body is itself the credential, and B's would rightly let anyone in.
 */
const knownBodies = (op: Operation, from = [recordedA, recordedB]) =>
  (op.op.security?.length ?? 0) > 0 ? from.flatMap((r) => r.bodiesFor(op)) : [];

type Headers = Record<string, string>;
const owner = (org: IsolationOrg): Headers => ({ authorization: `Bearer ${org.ownerToken}` });

/**
 * Path values for `op` from `org`'s objects: the id whose prefix each parameter's schema requires,
 * or the fixture's `pathValues` entry for a parameter that is not an id. Or why there are none.
 */
function pathValues(op: Operation, org: IsolationOrg): { values: Record<string, string> } | { missing: string } {
  const ids = idsByPrefix(org);
  const values: Record<string, string> = {};
  for (const p of op.pathParams) {
    const named = org.pathValues[p.name];
    if (named !== undefined) {
      values[p.name] = encodeURIComponent(named);
      continue;
    }
    const prefix = idPrefixOf(doc, p.schema);
    if (!prefix) {
      return {
        missing: `${op.name}: path parameter {${p.name}} is not a prefixed id and the isolation fixture has no value for it. Add one to pathValues in isolationOrg() (apps/api/test/isolation-fixtures.ts), or declare the parameter with idSchema(kind)`,
      };
    }
    const id = ids.get(prefix)?.[0];
    if (!id) {
      return {
        missing: `${op.name}: the isolation fixture has no object with the "${prefix}_" prefix. Create one in isolationOrg() (apps/api/test/isolation-fixtures.ts) so this operation's tenant isolation is tested`,
      };
    }
    values[p.name] = id;
  }
  return { values };
}

/** Required query parameters (a search's point, an availability window) from the fixture's queryValues, as `a=1&b=2`. */
function requiredQuery(op: Operation, org: IsolationOrg): string {
  return op.queryParams
    .filter((q) => q.required)
    .map((q) => `${q.name}=${encodeURIComponent(org.queryValues[q.name] ?? "")}`)
    .join("&");
}

/**
 * Everything `headers` can read: each secured GET operation (lists walked to their last page; operations
 * with ids filled from `ids`), keyed by URL, with status and body.
 */
async function readAll(headers: Headers, org: IsolationOrg): Promise<Record<string, { status: number; body: unknown }>> {
  const out: Record<string, { status: number; body: unknown }> = {};
  // Operations without a security requirement (health) read nothing of an organization's.
  for (const op of ops.filter((o) => o.method === "get" && (o.op.security?.length ?? 0) > 0)) {
    const filled = pathValues(op, org);
    if ("missing" in filled) continue; // reported by the operation's own test below
    const query = requiredQuery(op, org);
    const url = fillPath(op.path, filled.values) + (query ? `?${query}` : "");
    const pages: unknown[] = [];
    let status = 0;
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const r = await call(t, "GET", cursor ? `${url}${query ? "&" : "?"}cursor=${encodeURIComponent(cursor)}` : url, { headers });
      status = r.status;
      pages.push(r.body);
      const next = (r.body as { nextCursor?: unknown } | null)?.nextCursor;
      if (r.status !== 200 || typeof next !== "string" || !op.queryParams.some((q) => q.name === "cursor")) break;
      cursor = next;
    }
    out[url] = { status, body: pages.length === 1 ? pages[0] : pages };
  }
  return out;
}

/**
 * B's reads as B sees them. A signed file link (`?exp=…&sig=…`) is the same for a whole window of
 * its TTL and is signed anew in the next: on a slow run the window may turn between two snapshots,
 * which is time passing, not B changing — the links are compared without their signature.
 */
const unsigned = (snapshot: Awaited<ReturnType<typeof readAll>>): Awaited<ReturnType<typeof readAll>> =>
  JSON.parse(JSON.stringify(snapshot).replace(/\?exp=\d+&sig=[A-Za-z0-9_-]+/g, "?exp=…&sig=…"));
/**
 * A client connection's `quota` counts Google calls — B's own snapshot reads of its calendars and
 * events among them — and starts again at 00:00 UTC: like the request log, no measure of B being
 * unchanged (calendars.test.ts checks that only a connection's own calls count).
 */
const withoutQuota = (snapshot: Awaited<ReturnType<typeof readAll>>): Awaited<ReturnType<typeof readAll>> =>
  JSON.parse(JSON.stringify(snapshot), (k, v) =>
    k === "quota" && typeof v === "object" && v !== null && "callsToday" in v ? undefined : v,
  );
const bSnapshot = async () => withoutQuota(unsigned(await readAll(owner(b), b)));
const before = await bSnapshot();
/** B's ids: those its fixture created and those B can read about itself (its owner's membership, …). */
// Words that look like ids (`plan_finalized`, the kind of a notification) are the same for everyone:
// an id's random part is Crockford base32, which has no i, l, o or u.
const bIds = new Set([...idsIn(b.objects), ...idsIn(before)].filter((id) => !/_.*[ilou]/.test(id)));

/** What of B's (ids, secrets, body references) appears in `value`. */
function leaksOfB(value: unknown): string[] {
  const text = JSON.stringify(value) ?? "";
  return [...bIds, ...b.secrets, ...b.references, ...Object.values(b.pathValues)].filter((s) => text.includes(s));
}

/**
 * The request log lists the caller's own calls: A's log holds the paths A itself sent (B's ids in
 * them, from these very probes), which are not B's data; every other field is checked. And B's log
 * grows with B's own reads (this snapshot), so it is no measure of B being unchanged.
 */
const REQUEST_LOG = "/v1/request-log";
const withoutOwnPaths = (url: string, body: unknown): unknown =>
  url.startsWith(REQUEST_LOG) ? JSON.parse(JSON.stringify(body), (k, v) => (k === "path" ? undefined : v)) : body;

async function expectNothingOfBVisibleToA() {
  for (const cred of a.credentials) {
    const seen = await readAll(cred.headers, a);
    for (const [url, r] of Object.entries(seen)) {
      const leaks = leaksOfB(withoutOwnPaths(url, r.body));
      expect(leaks, `GET ${url} as ${cred.name} (${r.status}) shows org B's ${leaks.join(", ")}`).toEqual([]);
    }
  }
}

async function expectBUnchanged(after: string) {
  const now = await bSnapshot();
  for (const url of Object.keys(before)) {
    if (url.startsWith(REQUEST_LOG)) continue;
    expect(now[url], `org B's GET ${url} changed after ${after}`).toEqual(before[url]);
  }
}

const ok = (status: number) => status >= 200 && status < 300;

describe("tenant isolation: organization A cannot reach organization B", () => {
  it("has objects in B for every kind of id and B can read them", () => {
    expect(bIds.size).toBeGreaterThan(3);
    for (const [url, r] of Object.entries(before)) expect(r.status, `B's own GET ${url}`).toBe(200);
  });

  it("shows A nothing of B in anything A can read", expectNothingOfBVisibleToA);

  // Operations without a security requirement take a signed capability in the path (an email's
  // unsubscribe link): whoever holds it may use it, by design (RFC 8058, no sign-in); that a
  // changed one is refused is tested in platform/notifications/unsubscribe.test.ts.
  const withIds = ops.filter((op) => op.pathParams.length > 0 && (op.op.security?.length ?? 1) > 0);
  for (const op of withIds) {
    it(`${op.name} on B's ids answers A with 404, and B is unchanged`, async () => {
      const filled = pathValues(op, b);
      if ("missing" in filled) throw new Error(filled.missing);
      const query = requiredQuery(op, b);
      const url = fillPath(op.path, filled.values) + (query ? `?${query}` : "");
      // Valid bodies (the fixtures' own first), so validation cannot answer first and hide a
      // missing organization check.
      const bodies = op.body
        ? [...knownBodies(op), ...fc.sample(validValue(doc, op.body.schema, [...bIds, ...b.references]), { seed: 7, numRuns: 12 })]
        : [undefined];
      const answers: string[] = [];
      for (const cred of a.credentials) {
        for (const body of bodies) {
          const r = await call(t, op.method.toUpperCase(), url, { headers: cred.headers, ...(body === undefined ? {} : { body }) });
          answers.push(`${cred.name}: ${r.status} ${r.body?.code ?? ""}`);
          expect(
            ok(r.status),
            `${op.method.toUpperCase()} ${url} as ${cred.name} with ${preview(body)} answered ${r.status} ${preview(r.body)}`,
          ).toBe(false);
          if (r.status !== 400 && r.status !== 422) break; // reached past validation
        }
      }
      expect(
        answers.some((s) => / 404 /.test(s)),
        `${op.name}: no credential of A got 404 for B's object. A valid request must reach the organization check; if every answer below is a validation error, the harness has no valid body for this operation: call it once in isolationOrg() (test/isolation-fixtures.ts), whose successful bodies are reused here.\n${answers.join("\n")}`,
      ).toBe(true);
      await expectBUnchanged(`${op.name} by A`);
    });
  }

  // Bodies generated from each request schema with B's ids and references offered for the
  // fields that take them; operations whose bodies cannot name B's objects are left out.
  const namingBodies = ops
    .filter((op) => op.body)
    .map((op) => ({
      op,
      bodies: [
        ...knownBodies(op, [recordedB]),
        ...fc.sample(validValue(doc, op.body?.schema ?? {}, [...bIds, ...b.references]), { seed: 11, numRuns: 60 }),
      ]
        .filter((body) => leaksOfB(body).length > 0)
        .slice(0, 8),
    }))
    .filter((x) => x.bodies.length > 0);
  for (const { op, bodies } of namingBodies) {
    it(`${op.name} naming B's objects in the body never succeeds for A, and B is unchanged`, async () => {
      const filled = pathValues(op, a); // A's own object in the path, if any
      if ("missing" in filled) throw new Error(filled.missing);
      const answers: string[] = [];
      for (const body of bodies) {
        for (const cred of a.credentials) {
          const r = await call(t, op.method.toUpperCase(), fillPath(op.path, filled.values), { headers: cred.headers, body });
          answers.push(`${cred.name}: ${r.status} ${r.body?.code ?? ""}`);
          expect(ok(r.status), `${op.name} as ${cred.name} with ${preview(body)} answered ${r.status} ${preview(r.body)}`).toBe(false);
        }
      }
      await expectBUnchanged(`${op.name} by A with B's ids in the body`);
    });
  }

  it("still shows A nothing of B after all of that, and B's credentials still work", async () => {
    await expectNothingOfBVisibleToA();
    await expectBUnchanged("the whole run");
    for (const cred of b.credentials) {
      const r = await call(t, "GET", "/v1/health", { headers: cred.headers });
      expect(r.status, `${cred.name} after A's attempts`).toBe(200);
    }
  });
});
