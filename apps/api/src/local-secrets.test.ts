import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jwtVerify } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { startGoogleStandIn } from "../test/google-standin.js";
import { localSecrets } from "./local-secrets.js";
import { startNodeServer } from "./node.js";

const dirs: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "gk-secrets-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The constant every local run used to share, published in the repository. */
const OLD_PUBLIC_SECRET = "gatherkit-local-realtime-secret-not-for-production";

describe("local secrets (Node, not production): one pair per data folder", () => {
  it("two data folders get different secrets; one folder keeps its own across restarts, readable only by its owner", () => {
    const [a, b] = [folder(), folder()];
    const sa = localSecrets(a);
    const sb = localSecrets(b);
    expect(sa.realtimeSecret).not.toBe(sb.realtimeSecret);
    expect(sa.jwtSecret).not.toBe(sb.jwtSecret);
    expect(sa.realtimeSecret).not.toBe(sa.jwtSecret);
    for (const s of [sa.realtimeSecret, sa.jwtSecret]) expect(s.length).toBeGreaterThanOrEqual(32);
    expect(localSecrets(a)).toEqual(sa);
    expect(statSync(join(a, "secrets.json")).mode & 0o777).toBe(0o600);
  });

  it("a folder from before keeps its JWT secret (its sessions) and gains a realtime secret", () => {
    const dir = folder();
    const jwtSecret = "an-old-jwt-secret-0123456789abcdef0123456789";
    writeFileSync(join(dir, "secrets.json"), JSON.stringify({ jwtSecret }));
    const s = localSecrets(dir);
    expect(s.jwtSecret).toBe(jwtSecret);
    expect(s.realtimeSecret).not.toBe(OLD_PUBLIC_SECRET);
    expect(JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8"))).toEqual(s);
  });

  it("the API signs room tokens with its folder's secret, so a token forged with the old public constant is worthless", async () => {
    const dir = folder();
    const server = await startNodeServer({ DATA_DIR: dir, PORT: "0", LOG_LEVEL: "error", REALTIME_HOST: "127.0.0.1:9" });
    try {
      const demo = server.demo!;
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/realtime/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${demo.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ room: `org:${demo.organizationId}` }),
      });
      expect(res.status).toBe(201);
      const { token } = (await res.json()) as { token: string };
      const key = (s: string) => new TextEncoder().encode(s);
      await expect(jwtVerify(token, key(localSecrets(dir).realtimeSecret))).resolves.toBeTruthy();
      await expect(jwtVerify(token, key(OLD_PUBLIC_SECRET))).rejects.toThrow();
    } finally {
      await server.close();
      server.handle.client.close();
    }
  });

  it("each folder has its own calendar token key, kept across restarts: a connected Google calendar still answers after one", async () => {
    const [a, b] = [folder(), folder()];
    expect(localSecrets(a).calendarTokenKey).toMatch(/^local:[A-Za-z0-9+/]{43}=$/);
    expect(localSecrets(a).calendarTokenKey).not.toBe(localSecrets(b).calendarTokenKey);
    const google = await startGoogleStandIn();
    const { CALENDAR_TOKEN_KEY: _unused, ...googleEnv } = google.env;
    const start = () => startNodeServer({ ...googleEnv, DATA_DIR: a, PORT: "0", LOG_LEVEL: "error", REALTIME_HOST: "127.0.0.1:9" });
    let server = await start();
    try {
      const demo = server.demo!;
      const api = async (method: string, path: string, body?: unknown) =>
        fetch(`http://127.0.0.1:${server.port}${path}`, {
          method,
          redirect: "manual",
          headers: { authorization: `Bearer ${demo.secretKey}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const client = (await (await api("POST", "/v1/clients", { name: "Acme" })).json()) as { id: string };
      const { url } = (await (
        await api("POST", `/v1/clients/${client.id}/connection/authorize`, { returnTo: "https://dashboard.example/" })
      ).json()) as {
        url: string;
      };
      const back = new URL((await fetch(url, { redirect: "manual" })).headers.get("location") ?? "");
      expect((await api("GET", `${back.pathname}${back.search}`)).headers.get("location")).toContain("calendar_connection=connected");
      expect((await api("GET", `/v1/clients/${client.id}/calendars`)).status).toBe(200);
      await server.close();
      server.handle.client.close();
      server = await start();
      // The tokens sealed before the restart open with the folder's key (a key made per start could not).
      const again = await api("GET", `/v1/clients/${client.id}/calendars`);
      expect(again.status, await again.clone().text()).toBe(200);
      expect(((await again.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    } finally {
      await server.close();
      server.handle.client.close();
      await google.close();
    }
  });
});
