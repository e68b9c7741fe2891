import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outbox, publishableKeys, secretKeys, users } from "@gatherkit/db";
import { afterAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../../../scripts/lib/free-port.mjs";
import { startNodeServer } from "./node.js";
import { DEMO_EMAIL, demoOrigins } from "./seed.js";

const dataDir = mkdtempSync(join(tmpdir(), "gk-seed-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the real Node server on a free port, capturing what it prints. */
async function start(env: Record<string, string> = {}) {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const server = await startNodeServer({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "error", REALTIME_HOST: "127.0.0.1:9", ...env });
    return { server, output: printed.join("") };
  } finally {
    spy.mockRestore();
  }
}

/** What the API answers a page on `origin` that uses `key` (GET /v1/health checks a key it is sent). */
async function fromOrigin(base: string, key: string, origin: string) {
  const res = await fetch(`${base}/v1/health`, { headers: { authorization: `Bearer ${key}`, origin } });
  return { status: res.status, code: ((await res.json()) as { code?: string }).code };
}

async function count(server: Awaited<ReturnType<typeof start>>["server"]) {
  const db = server.handle.db;
  return {
    users: (await db.select().from(users)).length,
    secretKeys: (await db.select().from(secretKeys)).length,
    publishableKeys: (await db.select().from(publishableKeys)).length,
  };
}

describe("the demo organization", () => {
  it("is created on the first start, printed, saved to demo.json, and works over HTTP", async () => {
    const { server, output } = await start({ WEB_PORT: "15173" });
    try {
      const demo = server.demo;
      if (!demo) throw new Error("no demo credentials");
      expect(demo.email).toBe(DEMO_EMAIL);
      expect(demo.apiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(demo.password.length).toBeGreaterThanOrEqual(10);
      expect(demo.secretKey).toMatch(/^gk_sk_/);
      expect(demo.publishableKey).toMatch(/^gk_pk_/);

      const file = join(dataDir, "demo.json");
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(demo);
      expect(statSync(file).mode & 0o077).toBe(0); // only the owner may read the secrets

      // A human-readable banner, not a JSON log line.
      expect(output).toContain("Gatherkit demo organization");
      for (const value of [demo.email, demo.password, demo.secretKey, demo.publishableKey]) expect(output).toContain(value);
      expect(output).not.toMatch(/^\{.*"secretKey"/m);

      const base = `http://127.0.0.1:${server.port}`;
      const signIn = await fetch(`${base}/v1/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: demo.email, password: demo.password }),
      });
      expect(signIn.status).toBe(200);
      const session = (await signIn.json()) as { organization: { id: string; name: string }; role: string };
      expect(session).toMatchObject({ organization: { id: demo.organizationId, name: "Demo Organization" }, role: "owner" });

      const org = await fetch(`${base}/v1/organization`, { headers: { authorization: `Bearer ${demo.secretKey}` } });
      expect(((await org.json()) as { id: string }).id).toBe(demo.organizationId);

      const keys = await fetch(`${base}/v1/publishable-keys`, { headers: { authorization: `Bearer ${demo.secretKey}` } });
      const list = (await keys.json()) as { data: { id: string; key: string; allowedOrigins: string[] }[] };
      const origins = [
        "http://127.0.0.1:15173",
        "http://localhost:15173",
        `http://127.0.0.1:${server.port}`,
        `http://localhost:${server.port}`,
      ];
      expect(list.data).toEqual([expect.objectContaining({ key: demo.publishableKey, allowedOrigins: origins })]);
      expect(output).toContain(`(for pages on ${origins.join(", ")})`);
      // The pages `pnpm dev` serves may use the key; others may not.
      for (const origin of origins) expect(await fromOrigin(base, demo.publishableKey, origin)).toEqual({ status: 200, code: undefined });
      for (const origin of ["http://127.0.0.1:5173", "http://localhost:8787", "https://localhost:15173"]) {
        expect(await fromOrigin(base, demo.publishableKey, origin)).toEqual({ status: 403, code: "origin_not_allowed" });
      }
      // The refusal says what one can do now (there is no dashboard yet): change the key over the API.
      const refused = await fetch(`${base}/v1/health`, {
        headers: { authorization: `Bearer ${demo.publishableKey}`, origin: "http://localhost:1" },
      });
      const { detail } = (await refused.json()) as { detail: string };
      expect(detail).toContain("http://localhost:1");
      expect(detail).toContain(`PATCH /v1/publishable-keys/${list.data[0]?.id}`);
      expect(detail).not.toMatch(/dashboard/i);

      expect(await count(server)).toEqual({ users: 1, secretKeys: 1, publishableKeys: 1 });
    } finally {
      await server.close();
      server.handle.client.close();
    }
  });

  it("is read back on later starts, creating nothing, its key following the ports that moved", async () => {
    const before = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8"));
    const { server, output } = await start({ WEB_PORT: "25173" });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect(server.demo).toEqual({ ...before, apiBase: base });
      expect(JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8"))).toEqual(server.demo);
      expect(output).toContain(before.secretKey);
      expect(await count(server)).toEqual({ users: 1, secretKeys: 1, publishableKeys: 1 });
      // The new origins are added, the old ones kept (another checkout may still use them).
      for (const origin of [
        "http://127.0.0.1:25173",
        "http://localhost:25173",
        `http://localhost:${server.port}`,
        "http://localhost:15173",
      ]) {
        expect(await fromOrigin(base, before.publishableKey, origin)).toEqual({ status: 200, code: undefined });
      }
      expect(await fromOrigin(base, before.publishableKey, "http://localhost:35173")).toEqual({ status: 403, code: "origin_not_allowed" });
      // Widened through the keys' own service: the organization's feed hears it, as for PATCH.
      const [key] = await server.handle.db.select({ id: publishableKeys.id }).from(publishableKeys);
      const told = (await server.handle.db.select().from(outbox)).filter((row) => {
        const payload = JSON.stringify(row.payload);
        return payload.includes('"key.changed"') && payload.includes(key!.id);
      });
      expect(told).toHaveLength(2); // its creation on the first start, its new origins on this one
    } finally {
      await server.close();
      server.handle.client.close();
    }
  });
});

describe("demoOrigins", () => {
  it("names both loopback hosts of the demo page and of the API, once each", () => {
    expect(demoOrigins({ api: 8787, web: 5173 })).toEqual([
      "http://127.0.0.1:5173",
      "http://localhost:5173",
      "http://127.0.0.1:8787",
      "http://localhost:8787",
    ]);
    expect(demoOrigins({ api: 4000, web: 4000 })).toEqual(["http://127.0.0.1:4000", "http://localhost:4000"]);
  });
});

describe("startup", () => {
  it("answers no request before the demo organization is saved", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-seed-race-"));
    const port = await freePort();
    const spy = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const starting = startNodeServer({ DATA_DIR: dir, PORT: String(port), LOG_LEVEL: "error", REALTIME_HOST: "127.0.0.1:9" });
    try {
      // The first answer, as soon as the port accepts connections (a refused connection retries).
      let answered: Response | undefined;
      for (const deadline = Date.now() + 30_000; !answered && Date.now() < deadline; ) {
        answered = await fetch(`http://127.0.0.1:${port}/v1/health`).catch(() => new Promise<undefined>((r) => setTimeout(r, 2)));
      }
      expect(answered?.status).toBe(200);
      expect(existsSync(join(dir, "demo.json"))).toBe(true);
    } finally {
      spy.mockRestore();
      const server = await starting;
      await server.close();
      server.handle.client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("production", () => {
  it("refuses to start without its own secrets, and seeds no demo organization", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-prod-"));
    try {
      await expect(startNodeServer({ DATA_DIR: dir, PORT: "0", NODE_ENV: "production", LOG_LEVEL: "error" })).rejects.toThrow(
        /JWT_SECRET is not set/,
      );
      const server = await startNodeServer({
        DATA_DIR: dir,
        PORT: "0",
        NODE_ENV: "production",
        LOG_LEVEL: "error",
        JWT_SECRET: "production-jwt-secret-0123456789abcdef0123",
        REALTIME_SECRET: "production-realtime-secret-0123456789abcdef",
      });
      try {
        expect(server.demo).toBeNull();
        expect(await server.handle.db.select().from(users)).toHaveLength(0);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("API reference", () => {
  it("serves /docs with its script from the API itself, so it works offline", async () => {
    const { server } = await start();
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const page = await (await fetch(`${base}/docs`)).text();
      expect(page).toContain('src="/docs/scalar.js"');
      expect(page).not.toContain("cdn.jsdelivr.net");
      const script = await fetch(`${base}/docs/scalar.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toMatch(/javascript/);
      expect((await script.text()).length).toBeGreaterThan(100_000);
    } finally {
      await server.close();
    }
  });
});
