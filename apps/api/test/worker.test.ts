import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApi, startBuiltApi, startNodeApi, startWorkerApi } from "./runtimes.js";

/**
 * The same checks against every way the API runs: the embedded default in-process, the built
 * bundle (`pnpm --filter @gatherkit/api start`) and the Worker under `wrangler dev` with D1.
 */
const runtimes = [
  { name: "node (startNodeServer)", runtime: "node", start: startNodeApi },
  { name: "node (built dist/node.js)", runtime: "node", start: startBuiltApi },
  { name: "workers (wrangler dev, D1)", runtime: "workers", start: startWorkerApi },
] as const;

async function call(api: RunningApi, method: string, path: string, opts: { body?: unknown; raw?: string; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON, checked by the assertions
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, headers: res.headers, body };
}

describe.each(runtimes)("$name", ({ name, runtime, start }) => {
  let api: RunningApi;
  beforeAll(async () => {
    const started = performance.now();
    api = await start();
    console.info(`${name}: answering /v1/health ${Math.round(performance.now() - started)} ms after start`);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it("reports its runtime in health", async () => {
    const r = await call(api, "GET", "/v1/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", runtime });
    expect(r.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("answers an unknown route with problem+json", async () => {
    const r = await call(api, "POST", "/v1/no-such-thing", { body: {} });
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body).toMatchObject({ status: 404, code: "route_not_found" });
    expect(r.body.requestId).toBe(r.headers.get("x-request-id"));
  });

  it("serves the OpenAPI document with named components, and the reference page", async () => {
    const spec = await call(api, "GET", "/v1/openapi.json");
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe("3.1.0");
    expect(spec.body.components.schemas.Health).toBeDefined();
    const docs = await fetch(`${api.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/v1/openapi.json");
  });
});

describe("the Worker bundle", () => {
  const apiDir = resolve(import.meta.dirname, "..");
  let outdir: string;
  let meta: { inputs: Record<string, unknown> };
  let code: Buffer;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "gk-bundle-"));
    const wrangler = join(dirname(createRequire(join(apiDir, "package.json")).resolve("wrangler/package.json")), "bin/wrangler.js");
    execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir, "--metafile", join(outdir, "meta.json")], {
      cwd: apiDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
      stdio: "pipe",
    });
    meta = JSON.parse(readFileSync(join(outdir, "meta.json"), "utf8"));
    code = readFileSync(join(outdir, "worker.js"));
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("pulls in no Node-only module and picks the fetch-based libSQL client", () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((i) => i.endsWith("src/worker.ts"))).toBe(true);
    expect(inputs.some((i) => /@libsql\/client\/lib-esm\/web\.js$/.test(i))).toBe(true);
    const nodeOnly = inputs.filter((i) =>
      /@hono\/node-server|@libsql\/client\/lib-esm\/(node|sqlite3)\.js$|libsql-experimental|better-sqlite3|apps\/api\/src\/node\.ts$|apps\/api\/src\/seed\.ts$/.test(i),
    );
    expect(nodeOnly).toEqual([]);
  });

  it("fits Cloudflare's 3 MiB compressed limit", () => {
    const gzipped = gzipSync(code).length;
    console.info(`worker bundle: ${(code.length / 1024).toFixed(0)} KiB, ${(gzipped / 1024).toFixed(0)} KiB gzipped`);
    expect(gzipped).toBeLessThan(3 * 1024 * 1024);
  });
});
