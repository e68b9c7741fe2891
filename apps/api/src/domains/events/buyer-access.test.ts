import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { configFromEnv } from "../../lib/config.js";
import { useNativeHmac } from "../../platform/hmac.js";
import { buyerToken, isBuyerToken, leaveToken } from "./buyer-access.js";

afterEach(() => useNativeHmac(undefined));

describe("the buyer's order token on Node and on Workers", () => {
  it("is the same through node:crypto's HMAC (Node) as through WebCrypto (Workers), and goes through the installed one", async () => {
    const config = configFromEnv({ JWT_SECRET: "a".repeat(40), REALTIME_SECRET: "b".repeat(40) }, "node");
    const web = await buyerToken(config, "ord_1");
    const webLeave = await leaveToken(config, "wle_1");
    const calls: string[] = [];
    useNativeHmac((key, data) => {
      calls.push(data);
      return createHmac("sha256", key).update(data).digest();
    });
    expect(await buyerToken(config, "ord_1")).toBe(web);
    expect(await leaveToken(config, "wle_1")).toBe(webLeave);
    expect(await isBuyerToken(config, "ord_1", web)).toBe(true);
    // The two purposes never open each other.
    expect(await isBuyerToken(config, "wle_1", webLeave)).toBe(false);
    expect(calls).toEqual(["ord_1", "wle_1", "ord_1", "wle_1"]);
    expect(web).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
