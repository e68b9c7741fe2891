import {
  ERROR_CODES,
  NOTIFICATION_ERROR_CODES,
  PLATFORM_ERROR_CODES,
  PublishedEventSchema,
  UPLOAD_ERROR_CODES,
  WEBHOOK_ERROR_CODES,
} from "@gatherkit/core";
import { describe, expect, it } from "vitest";
import { DOMAINS } from "./index.js";

describe("the domains' public surfaces", () => {
  it("together with the platform's (notifications included), the domains' error codes are exactly ERROR_CODES, each once", () => {
    const all = [
      ...PLATFORM_ERROR_CODES,
      ...NOTIFICATION_ERROR_CODES,
      ...WEBHOOK_ERROR_CODES,
      ...UPLOAD_ERROR_CODES,
      ...DOMAINS.flatMap((d) => d.errors),
    ];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...ERROR_CODES].sort());
  });

  it("every room kind has one owner, and every message a domain publishes is in the message union", () => {
    const kinds = DOMAINS.flatMap((d) => Object.keys(d.rooms));
    expect(new Set(kinds).size).toBe(kinds.length);
    const union = new Set(PublishedEventSchema.options.map((o) => o.shape.type.value));
    for (const d of DOMAINS)
      for (const m of d.messages) expect(union.has((m as (typeof PublishedEventSchema.options)[number]).shape.type.value)).toBe(true);
  });
});
