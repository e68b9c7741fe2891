import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startNodeServer } from "./node.js";

const dataDir = mkdtempSync(join(tmpdir(), "gk-seed-content-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = (extra: Record<string, string> = {}) =>
  startNodeServer({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error", SEED_DEMO_CONTENT: "true", ...extra });

describe("the demo content (SEED_DEMO_CONTENT=true, as pnpm dev sets)", () => {
  it("gives the demo organization an event with two ticket types, a place with a booking and a plan, once", async () => {
    const quiet = process.stdout.write;
    process.stdout.write = () => true;
    let api = await start().finally(() => {
      process.stdout.write = quiet;
    });
    const demo = api.demo;
    if (!demo) throw new Error("no demo organization");
    const get = async (path: string) => {
      const res = await fetch(`${api.demo?.apiBase}${path}`, {
        // No keep-alive: the restarted API may get the same port, and a pooled socket to the old one would fail.
        headers: { authorization: `Bearer ${demo.secretKey}`, connection: "close" },
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
      return JSON.parse(text) as { data: { id: string; status?: string }[] };
    };
    const counts = async () => ({
      events: (await get("/v1/events")).data.length,
      places: (await get("/v1/places")).data.length,
      bookings: (await get("/v1/bookings")).data.length,
      plans: (await get("/v1/plans")).data.length,
    });
    try {
      expect(await counts()).toEqual({ events: 1, places: 1, bookings: 1, plans: 1 });
      const [event] = (await get("/v1/events")).data;
      expect(event?.status).toBe("published");
      expect((await get(`/v1/events/${event?.id}/ticket-types`)).data).toHaveLength(2);
    } finally {
      await api.close();
      api.handle.client.close();
    }
    // A restart on the same data adds nothing.
    process.stdout.write = () => true;
    api = await start().finally(() => {
      process.stdout.write = quiet;
    });
    try {
      expect(await counts()).toEqual({ events: 1, places: 1, bookings: 1, plans: 1 });
    } finally {
      await api.close();
      api.handle.client.close();
    }
  });
});
