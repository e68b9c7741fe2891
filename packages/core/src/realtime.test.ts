import { describe, expect, it } from "vitest";
import { PUBLISH_DISCONNECT_MAX, PublishRequestSchema, ServerMessageSchema } from "./realtime.js";

const base = { id: "obx_1", room: "plan:plan_0123456789", sentAt: 1_700_000_000_000, event: { type: "key.changed", data: { id: "k" } } };

describe("PublishRequestSchema", () => {
  it("takes an optional delivery order and subjects to disconnect", () => {
    expect(PublishRequestSchema.parse(base)).toEqual(base);
    const full = { ...base, order: 42, disconnect: ["ptc_0123456789", "usr_0123456789"] };
    expect(PublishRequestSchema.parse(full)).toEqual(full);
    expect(PublishRequestSchema.safeParse({ ...base, order: 0 }).success).toBe(true);
  });

  it("refuses a negative or fractional order, empty or overlong subjects, and too many of them", () => {
    for (const bad of [
      { order: -1 },
      { order: 1.5 },
      { order: "3" },
      { disconnect: [""] },
      { disconnect: ["x".repeat(201)] },
      { disconnect: Array.from({ length: PUBLISH_DISCONNECT_MAX + 1 }, (_, i) => `ptc_${i}`) },
      { disconnect: "ptc_1" },
    ]) {
      expect(PublishRequestSchema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(PublishRequestSchema.safeParse({ ...base, disconnect: Array(PUBLISH_DISCONNECT_MAX).fill("ptc_1") }).success).toBe(true);
  });
});

describe("ServerMessageSchema", () => {
  it("has the welcome's idleMs (null before any broadcast), revoked and reconnect", () => {
    expect(ServerMessageSchema.parse({ type: "welcome", seq: 2, presence: [], idleMs: 1500 })).toMatchObject({ idleMs: 1500 });
    expect(ServerMessageSchema.parse({ type: "welcome", seq: 0, presence: [], idleMs: null })).toMatchObject({ idleMs: null });
    expect(ServerMessageSchema.safeParse({ type: "welcome", seq: 0, presence: [], idleMs: -1 }).success).toBe(false);
    expect(ServerMessageSchema.parse({ type: "presence_delta", joined: [{ id: "usr_a", name: "A" }], left: ["usr_b"] })).toMatchObject({
      left: ["usr_b"],
    });
    expect(ServerMessageSchema.safeParse({ type: "presence_delta", joined: [], left: [1] }).success).toBe(false);
    expect(ServerMessageSchema.parse({ type: "revoked", message: "gone" })).toEqual({ type: "revoked", message: "gone" });
    expect(ServerMessageSchema.parse({ type: "reconnect", reason: "token_expired" })).toEqual({
      type: "reconnect",
      reason: "token_expired",
    });
    expect(ServerMessageSchema.safeParse({ type: "reconnect", reason: "bored" }).success).toBe(false);
  });
});
