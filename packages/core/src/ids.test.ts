import { describe, expect, it } from "vitest";
import { idSchema, newId, randomToken } from "./ids.js";

describe("random tokens and ids", () => {
  it("are base32 of the asked length, never repeat across many draws of the shared byte pool, and use the whole alphabet evenly", () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    // 30,000 × 22 bytes: the 4 KB pool is refilled about 160 times.
    for (let i = 0; i < 30_000; i++) {
      const t = randomToken();
      expect(t).toMatch(/^[0-9a-hjkmnp-tv-z]{22}$/);
      seen.add(t);
      for (const ch of t) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(30_000);
    expect(counts.size).toBe(32);
    // 660,000 characters over 32 symbols: about 20,600 each; a stuck or reused pool would skew it far beyond ±5 %.
    for (const n of counts.values()) expect(Math.abs(n / (660_000 / 32) - 1)).toBeLessThan(0.05);
    expect(randomToken(5000)).toHaveLength(5000);
    expect(idSchema("plan").parse(newId("plan"))).toMatch(/^plan_/);
  });

  it("say in plain words which id a field wants, with the right article (a wrong id is the first error a new integrator meets)", () => {
    const message = (kind: Parameters<typeof idSchema>[0]) => idSchema(kind).safeParse("nope").error?.issues[0]?.message;
    expect(message("event")).toBe('must be an event id starting with "evt_"');
    expect(message("ticketType")).toBe('must be a ticket type id starting with "tt_"');
    expect(message("order")).toBe('must be an order id starting with "ord_"');
    expect(message("upload")).toBe('must be an upload id starting with "file_"');
    expect(message("plan")).toBe('must be a plan id starting with "plan_"');
    expect(message("user")).toBe('must be a user id starting with "usr_"');
    expect(message("webhookEndpoint")).toBe('must be a webhook endpoint id starting with "whe_"');
  });
});
