import { describe, expect, it } from "vitest";
import { configFromEnv } from "../../lib/config.js";
import { openSecret, SecretUnreadable, sealedWithOldKey, sealSecret } from "./secrets.js";

const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
const calendars = (CALENDAR_TOKEN_KEY?: string) =>
  configFromEnv(
    { JWT_SECRET: "x".repeat(32), REALTIME_SECRET: "y".repeat(32), ...(CALENDAR_TOKEN_KEY ? { CALENDAR_TOKEN_KEY } : {}) },
    "node",
  ).calendars;

describe("tokens at rest", () => {
  const k1 = `k1:${key()}`;
  const k2 = `k2:${key()}`;

  it("seals with the current key and opens with it; the ciphertext names the key and hides the token", async () => {
    const cfg = calendars(k1);
    const sealed = await sealSecret(cfg, "ya29.secret-token", "calendar:cli_1:access_token");
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("secret-token");
    expect(await openSecret(cfg, sealed, "calendar:cli_1:access_token")).toBe("ya29.secret-token");
    // Random IVs: the same token seals differently each time.
    expect(await sealSecret(cfg, "ya29.secret-token", "calendar:cli_1:access_token")).not.toBe(sealed);
  });

  it("rotates: a new key first encrypts, the old one still opens what it sealed", async () => {
    const old = await sealSecret(calendars(k1), "refresh-1", "calendar:cli_1:refresh_token");
    const rotated = calendars(`${k2},${k1}`);
    expect(await openSecret(rotated, old, "calendar:cli_1:refresh_token")).toBe("refresh-1");
    expect(sealedWithOldKey(rotated, old)).toBe(true);
    const fresh = await sealSecret(rotated, "refresh-2", "calendar:cli_1:refresh_token");
    expect(fresh.startsWith("v1.k2.")).toBe(true);
    expect(sealedWithOldKey(rotated, fresh)).toBe(false);
    // Once k1 is removed, what it sealed no longer opens.
    await expect(openSecret(calendars(k2), old, "calendar:cli_1:refresh_token")).rejects.toThrow(SecretUnreadable);
  });

  it("refuses a ciphertext moved to another row or column, or tampered with", async () => {
    const cfg = calendars(k1);
    const sealed = await sealSecret(cfg, "ya29.a", "calendar:cli_1:access_token");
    await expect(openSecret(cfg, sealed, "calendar:cli_2:access_token")).rejects.toThrow();
    await expect(openSecret(cfg, sealed, "calendar:cli_1:refresh_token")).rejects.toThrow();
    const parts = sealed.split(".");
    const ct = parts[3] ?? "";
    parts[3] = `${ct.slice(0, -2)}${ct.endsWith("AA") ? "BB" : "AA"}`;
    await expect(openSecret(cfg, parts.join("."), "calendar:cli_1:access_token")).rejects.toThrow();
  });

  it("refuses a malformed CALENDAR_TOKEN_KEY at start", () => {
    expect(() => calendars("nokeyid")).toThrow(/CALENDAR_TOKEN_KEY/);
    expect(() => calendars(`k1:${Buffer.from("short").toString("base64")}`)).toThrow(/32 random bytes/);
  });
});
