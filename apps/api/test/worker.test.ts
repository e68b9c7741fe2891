import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PublishRequestSchema, verifyPublishSignature } from "@gatherkit/core";
import { BadRequestError, Gatherkit } from "@gatherkit/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import {
  bundleWorker,
  type RunningApi,
  type StubPublish,
  startBuiltApi,
  startNodeApi,
  startRealtimeStub,
  startWorkerApi,
} from "./runtimes.js";

/**
 * The same checks against every way the API runs: the embedded default in-process, the built
 * bundle (`pnpm --filter @gatherkit/api start`) and the Worker under `wrangler dev` with D1.
 */
const runtimes = [
  { name: "node (startNodeServer)", runtime: "node", start: startNodeApi },
  { name: "node (built dist/node.js)", runtime: "node", start: startBuiltApi },
  { name: "workers (wrangler dev, D1)", runtime: "workers", start: startWorkerApi },
] as const;

const password = "correct horse battery staple";
const email = (tag: string) => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** Polls `check` until it is true; fails with `what` after `timeoutMs`. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(runtimes)("$name", ({ name, runtime, start }) => {
  let api: RunningApi;
  let rooms: Awaited<ReturnType<typeof startRealtimeStub>>;
  beforeAll(async () => {
    rooms = await startRealtimeStub();
    const started = performance.now();
    api = await start({ REALTIME_HOST: rooms.host });
    console.info(`${name}: answering /v1/health ${Math.round(performance.now() - started)} ms after start`);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await rooms?.close();
  });
  // On a failure, show what the server logged (the cause of a 500 is only there).
  beforeEach(() => onTestFailed(() => console.error(`${name} output:\n${api.output().slice(-8000)}`)));

  const client = (opts: { secretKey?: string } = {}) => new Gatherkit({ baseUrl: api.baseUrl, maxRetries: 0, ...opts });

  it("reports its runtime in health", async () => {
    expect(await client().health()).toMatchObject({ status: "ok", runtime });
  });

  it("serves the dashboard (deep links get its page, with its CSP) and the widgets module (pnpm build makes both)", async () => {
    const page = await fetch(`${api.baseUrl}/dashboard/developers/keys`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain("<gk-dashboard>");
    const script = html.match(/src="(\/dashboard\/app-[A-Z0-9]+\.js)"/)?.[1];
    expect((await fetch(`${api.baseUrl}${script}`)).headers.get("content-type")).toMatch(/javascript/);
    const widgets = await fetch(`${api.baseUrl}/widgets/gatherkit-widgets.js`);
    expect([widgets.status, widgets.headers.get("access-control-allow-origin")]).toEqual([200, "*"]);
  });

  it("lets an organizer sign up, create a secret key, and act as the organization with it", async () => {
    const organizer = client();
    const session = await organizer.auth.signUp({ email: email("ada"), password, name: "Ada", organizationName: "Ada's Events" });
    expect(session).toMatchObject({ role: "owner", organization: { name: "Ada's Events" } });
    expect((await organizer.auth.me()).user.id).toBe(session.user.id);

    const created = await organizer.secretKeys.create({ name: "Server" });
    expect(created.secret).toMatch(/^gk_sk_/);

    const server = client({ secretKey: created.secret });
    expect(await server.organization.retrieve()).toEqual(session.organization);
    const keys = await server.publishableKeys.create({ name: "Site", allowedOrigins: ["https://example.com"] });
    expect(keys.key).toMatch(/^gk_pk_/);
    // The organization's request log is written on every runtime (D1 on Workers), after each answer.
    const logged = (await organizer.requestLog.list({ limit: 10 })).data.map((e) => [e.method, e.path, e.status, e.callerKind]);
    expect(logged).toContainEqual(["GET", "/v1/organization", 200, "secret_key"]);
    expect(logged).toContainEqual(["POST", "/v1/publishable-keys", 201, "secret_key"]);

    await organizer.secretKeys.del(created.id);
    await expect(server.organization.retrieve()).rejects.toMatchObject({ status: 401, code: "key_revoked" });
  });

  it("publishes a change to its room, signed, and retries a failed delivery until it lands", async () => {
    const organizer = client();
    const session = await organizer.auth.signUp({ email: email("rt"), password, name: "Rita", organizationName: "Rooms" });
    const forKey = (id: string) => (p: StubPublish) => {
      const parsed = PublishRequestSchema.safeParse(JSON.parse(p.body));
      return parsed.success && parsed.data.event.type === "key.changed" && (parsed.data.event.data as { id?: string }).id === id;
    };
    rooms.state.down = true;
    const key = await organizer.secretKeys.create({ name: "Announced" });
    await eventually("the first delivery was attempted", () => rooms.publishes.some(forKey(key.id)));
    rooms.state.down = false;
    // Node retries from its outbox pump; a Worker from its cron trigger, fired here by hand.
    await eventually("the retry was accepted", async () => {
      if (runtime === "workers") {
        const cron = await fetch(`${api.baseUrl}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);
        if (!cron.ok) throw new Error(`firing the cron trigger answered ${cron.status}`);
      }
      return rooms.publishes.some((p) => p.accepted && forKey(key.id)(p));
    });
    const delivered = rooms.publishes.find((p) => p.accepted && forKey(key.id)(p))!;
    const request = PublishRequestSchema.parse(JSON.parse(delivered.body));
    expect(request.room).toBe(`org:${session.organization.id}`);
    expect(delivered.path).toBe(`/parties/main/${request.room}`);
    expect(await verifyPublishSignature(api.env.REALTIME_SECRET!, delivered.body, delivered.signature ?? "")).toBe(true);
  }, 90_000);

  it("admits exactly as many concurrent joins as an invite allows, then lets the joiners vote once each", async () => {
    const organizer = client();
    await organizer.auth.signUp({ email: email("plan"), password, name: "Pia", organizationName: "Plans" });
    const server = client({ secretKey: (await organizer.secretKeys.create({ name: "Plans" })).secret });
    const site = await server.publishableKeys.create({ name: "Site", allowedOrigins: ["https://site.example"] });
    const plan = await server.plans.create({ type: "trip", title: "Lisbon", timeZone: "Europe/Lisbon", currency: "EUR" });
    const invite = await server.plans.invites.create(plan.id, { maxUses: 3 });
    const page = new Gatherkit({ baseUrl: api.baseUrl, publishableKey: site.key, maxRetries: 0 });
    const joins = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => page.invites.join(invite.code, { name: `Guest ${i}` })));
    const joined = joins.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(joined).toHaveLength(3);
    for (const r of joins) if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409 });

    const proposal = await server.plans.proposals.create(plan.id, { title: "Sunset sail" });
    await Promise.all(
      joined.flatMap((j) => {
        const guest = new Gatherkit({ baseUrl: api.baseUrl, token: j.token, maxRetries: 0 });
        return [
          guest.plans.proposals.vote(plan.id, proposal.id, { value: "yes" }),
          guest.plans.proposals.vote(plan.id, proposal.id, { value: "yes" }),
        ];
      }),
    );
    const { data } = await server.plans.tallies(plan.id);
    expect(data.find((t) => t.proposalId === proposal.id)).toMatchObject({ yes: 3, maybe: 0, no: 0, total: 3 });
  });

  it("replays a POST sent again with the same Idempotency-Key", async () => {
    const organizer = client();
    await organizer.auth.signUp({ email: email("idem"), password, name: "Idem", organizationName: "Idem" });
    const idempotencyKey = crypto.randomUUID();
    const first = await organizer.secretKeys.create({ name: "Once" }, { idempotencyKey });
    const again = await organizer.secretKeys.create({ name: "Once" }, { idempotencyKey });
    expect(again).toEqual(first);
    expect((await organizer.secretKeys.list()).data.filter((k) => k.name === "Once")).toHaveLength(1);
  });

  it("lets exactly one of many concurrent sign-ups with one email through", async () => {
    const address = email("race");
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => client().auth.signUp({ email: address, password, name: "Racer", organizationName: "Race" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409, code: "email_taken" });
  });

  it("refuses a bad request with problem+json naming each failing field", async () => {
    const err = await client()
      .auth.signUp({ email: "not-an-email", password: "short", name: "X", organizationName: "Y" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    const bad = err as BadRequestError;
    expect(bad.code).toBe("validation_failed");
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(bad.requestId).toMatch(/^req_/);
    expect(bad.errors.map((e) => e.path).sort()).toEqual(["body.email", "body.password"]);
  });

  it("answers an unknown route with problem+json", async () => {
    const res = await fetch(`${api.baseUrl}/v1/no-such-thing`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 404, code: "route_not_found", requestId: res.headers.get("x-request-id") });
  });

  it("serves the OpenAPI document with named components, and the reference page", async () => {
    const spec = (await (await fetch(`${api.baseUrl}/v1/openapi.json`)).json()) as { openapi: string; components: { schemas: object } };
    expect(spec.openapi).toBe("3.1.0");
    expect(Object.keys(spec.components.schemas)).toEqual(expect.arrayContaining(["Health", "Session", "Problem"]));
    const docs = await fetch(`${api.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/v1/openapi.json");
  });
});

describe("the Worker bundle", () => {
  let outdir: string;
  let meta: { inputs: Record<string, unknown> };
  let code: Buffer;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "gk-bundle-"));
    const bundle = bundleWorker(outdir);
    meta = JSON.parse(readFileSync(bundle.metafile, "utf8"));
    code = readFileSync(bundle.entry);
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("pulls in no Node-only module and picks the fetch-based libSQL client", () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.endsWith("src/worker.ts"))).toBe(true);
    expect(inputs.some((i) => /@libsql\/client\/lib-esm\/web\.js$/.test(i))).toBe(true);
    const nodeOnly = inputs.filter((i) =>
      /@hono\/node-server|@libsql\/client\/lib-esm\/(node|sqlite3)\.js$|libsql-experimental|better-sqlite3|apps\/api\/src\/node\.ts$|apps\/api\/src\/seed\.ts$/.test(
        i,
      ),
    );
    expect(nodeOnly).toEqual([]);
  });

  it("fits Cloudflare's 3 MiB compressed limit", () => {
    // The script and the modules uploaded beside it (Photon's WebAssembly, for image copies).
    const modules = readdirSync(outdir).filter((f) => f !== "worker.js" && /\.(js|mjs|wasm)$/.test(f));
    expect(modules.some((f) => f.endsWith(".wasm"))).toBe(true);
    const files = [code, ...modules.map((f) => readFileSync(join(outdir, f)))];
    const size = files.reduce((n, f) => n + f.length, 0);
    const gzipped = files.reduce((n, f) => n + gzipSync(f).length, 0);
    console.info(`worker bundle: ${(size / 1024).toFixed(0)} KiB, ${(gzipped / 1024).toFixed(0)} KiB gzipped`);
    expect(gzipped).toBeLessThan(3 * 1024 * 1024);
  });
});
