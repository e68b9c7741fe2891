import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { hmacSha256, hmacSha256Matches, type NativeHmac, useNativeHmac } from "./hmac.js";
import { LocalProvider } from "./payments/local.js";

/** node:crypto's HMAC, as node.ts installs it, counting its calls. */
function countingNative() {
  const calls: string[] = [];
  const fn: NativeHmac = (key, data) => {
    calls.push(data);
    return createHmac("sha256", key).update(data).digest();
  };
  return { fn, calls };
}

const inputs: [string, string][] = [
  ["local-payments:s3cret-s3cret-s3cret-s3cret-s3cret", "webhook"],
  ["order-buyer-access:k", "ord_0123456789abcdefghij"],
  ["ключ 🔑", "données ✓ — 𝄞"],
  ["k", ""],
  ["x".repeat(200), "y".repeat(5000)],
];

afterEach(() => useNativeHmac(undefined));

describe("HMAC-SHA256 on Node and on Workers", () => {
  it("node:crypto's HMAC gives the same bytes as WebCrypto's for every input", async () => {
    for (const [key, data] of inputs) {
      const web = await hmacSha256(key, data);
      useNativeHmac(countingNative().fn);
      const node = await hmacSha256(key, data);
      useNativeHmac(undefined);
      expect([...node]).toEqual([...web]);
      expect(web).toHaveLength(32);
    }
  });

  it("matches in constant time and refuses another MAC, a truncated one and one under another key", async () => {
    for (const native of [undefined, countingNative().fn]) {
      useNativeHmac(native);
      const mac = await hmacSha256("k1", "payload");
      expect(await hmacSha256Matches("k1", "payload", mac)).toBe(true);
      const flipped = Uint8Array.from(mac);
      flipped[5] = (flipped[5] ?? 0) ^ 0x01;
      expect(await hmacSha256Matches("k1", "payload", flipped)).toBe(false);
      expect(await hmacSha256Matches("k1", "payload", mac.slice(0, 31))).toBe(false);
      expect(await hmacSha256Matches("k2", "payload", mac)).toBe(false);
    }
  });

  it("the local provider's checkout tokens go through the installed HMAC, and are the same on both", async () => {
    const provider = new LocalProvider({ secret: "s3cret-s3cret-s3cret-s3cret-s3cret", publicUrl: "http://localhost:8787" });
    const intent = { id: "pi_local_x", amount: 2500, currency: "EUR", metadata: { orderId: "ord_1" }, description: "1 ticket" };
    const webToken = await provider.sign(intent);
    const webSecret = await provider.webhookSecret();

    const counting = countingNative();
    useNativeHmac(counting.fn);
    expect(await provider.sign(intent)).toBe(webToken);
    expect(await provider.webhookSecret()).toBe(webSecret);
    expect(await provider.open(webToken)).toEqual(intent);
    // sign, webhookSecret, open: each one HMAC, none through WebCrypto.
    expect(counting.calls).toHaveLength(3);

    // A token tampered in its body is refused by either implementation.
    const [body, sig] = webToken.split(".");
    const other = await new LocalProvider({ secret: "another-secret-another-secret-xx", publicUrl: "http://x" }).sign(intent);
    expect(await provider.open(`${other.split(".")[0]}x.${sig}`)).toBeNull();
    useNativeHmac(undefined);
    expect(await provider.open(`${body}.${other.split(".")[1]}`)).toBeNull();
    expect(await provider.open(webToken)).toEqual(intent);
  });
});
