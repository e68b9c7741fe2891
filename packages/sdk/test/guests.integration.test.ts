import { createECDH, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_DEFAULTS } from "../../../apps/api/test/event-fixtures.js";
import { newOrg, TEST_ORIGIN, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { pushSubscriptions } from "../../db/src/index.js";
import { GuestPush } from "../src/guest-push.js";
import {
  APIError,
  ConflictError,
  type Fetch,
  Gatherkit,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
} from "../src/index.js";

// Guests, RSVP and the agenda through the SDK against the real API in process: staff add guests,
// a guest answers with only their personal token, a page registers for an open event.
const BASE = "http://api.test";
let t: TestApp;
let org: TestOrg;
let staff: Gatherkit;
let page: Gatherkit;
let anonymous: Gatherkit;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  staff = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, secretKey: org.secretKey });
  const fromPage: Fetch = (url, init) =>
    t.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), origin: TEST_ORIGIN } });
  page = new Gatherkit({ baseUrl: BASE, fetch: fromPage, publishableKey: org.publishableKey });
  anonymous = new Gatherkit({ baseUrl: BASE, fetch: t.fetch });
});
afterAll(() => t.close());

describe("gk.events.guests and gk.events.sessions", () => {
  it("staff add guests; a guest answers with their token; the waitlist moves up; a page registers", async () => {
    const event = await staff.events.create({ ...EVENT_DEFAULTS });
    await staff.events.publish(event.id);
    await staff.events.guests.updateSettings(event.id, { capacity: 2, maxPlusOnes: 1 });
    const ada = await staff.events.guests.create(event.id, { name: "Ada", email: "ada@example.com" });
    const bo = await staff.events.guests.create(event.id, { name: "Bo", email: "bo@example.com" });
    const inv = await anonymous.events.guests.answer(event.id, ada.token, { answer: "yes", plusOnes: 1, plusOneNames: ["Charles"] });
    expect(inv.guest.status).toBe("confirmed");
    await expect(anonymous.events.guests.answer(event.id, bo.token, { answer: "yes", plusOnes: 2 })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
    expect((await anonymous.events.guests.answer(event.id, bo.token, { answer: "yes" })).guest).toMatchObject({
      status: "waitlisted",
      waitlistPosition: 1,
    });
    await anonymous.events.guests.answer(event.id, ada.token, { answer: "no" });
    expect((await staff.events.guests.retrieve(event.id, bo.id)).status).toBe("confirmed");
    expect((await staff.events.guests.history(event.id, bo.id)).map((c) => c.by)).toEqual(["guest", "waitlist"]);
    expect((await staff.events.guests.list(event.id, { status: "confirmed" })).data.map((g) => g.id)).toEqual([bo.id]);
    await expect(anonymous.events.guests.invitation(event.id, `${bo.id}.${"0".repeat(32)}`)).rejects.toBeInstanceOf(NotFoundError);

    await expect(page.events.guests.register(event.id, { name: "Eve", email: "eve@example.com" })).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    await staff.events.guests.updateSettings(event.id, { mode: "open", capacity: null });
    const reg = await page.events.guests.register(event.id, { name: "Eve", email: "eve@example.com" });
    expect(reg.invitation.guest.status).toBe("confirmed");
    await expect(page.events.guests.register(event.id, { name: "Eve", email: "eve@example.com" })).rejects.toBeInstanceOf(ConflictError);

    const s = await staff.events.sessions.create(event.id, {
      title: "Welcome",
      startsAt: EVENT_DEFAULTS.startsAt,
      endsAt: EVENT_DEFAULTS.endsAt,
      speakers: [{ name: "Grace" }],
    });
    expect((await page.events.sessions.list(event.id)).map((x) => x.id)).toEqual([s.id]);
  });

  it("a guest subscribes this browser to web push with only their token (@gatherkit/sdk/guest-push)", async () => {
    const event = await staff.events.create({ ...EVENT_DEFAULTS });
    await staff.events.publish(event.id);
    const ada = await staff.events.guests.create(event.id, { name: "Ada" });
    let asked: string | undefined;
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const registration = {
      pushManager: {
        async subscribe(o: { applicationServerKey: string }) {
          asked = o.applicationServerKey;
          return {
            toJSON: () => ({
              endpoint: "https://push.example.test/send/guest-sdk-1",
              keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
            }),
          };
        },
      },
    };
    const push = new GuestPush(anonymous);
    expect(asked).toBeUndefined();
    const sub = await push.subscribe(event.id, ada.token, registration);
    expect(sub.endpoint).toBe("https://push.example.test/send/guest-sdk-1");
    expect(asked).toBe((await push.key(event.id, ada.token)).publicKey);
    const row = (await t.deps.db.select().from(pushSubscriptions)).find((r) => r.endpoint === sub.endpoint);
    expect(row?.recipientId).toBe(ada.id);
    await expect(push.key(event.id, `${ada.token.slice(0, -1)}${ada.token.endsWith("0") ? "1" : "0"}`)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("staff rotate a guest's link: the old token is refused (410 guest_link_revoked), the new one works", async () => {
    const event = await staff.events.create({ ...EVENT_DEFAULTS });
    await staff.events.publish(event.id);
    const ada = await staff.events.guests.create(event.id, { name: "Ada" });
    const rotated = await staff.events.guests.rotateLink(event.id, ada.id);
    expect(rotated.token).not.toBe(ada.token);
    const refused = await anonymous.events.guests.invitation(event.id, ada.token).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(APIError);
    expect(refused).toMatchObject({ status: 410, code: "guest_link_revoked" });
    expect((await anonymous.events.guests.invitation(event.id, rotated.token)).guest.id).toBe(ada.id);
  });

  it("a guest stops web push on this browser (@gatherkit/sdk/guest-push unsubscribe): the API and the browser forget it", async () => {
    const event = await staff.events.create({ ...EVENT_DEFAULTS });
    await staff.events.publish(event.id);
    const ada = await staff.events.guests.create(event.id, { name: "Ada" });
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const endpoint = "https://push.example.test/send/guest-sdk-2";
    let browserSubscribed = false;
    const browserSub = {
      endpoint,
      toJSON: () => ({
        endpoint,
        keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
      }),
      async unsubscribe() {
        browserSubscribed = false;
        return true;
      },
    };
    const registration = {
      pushManager: {
        async subscribe() {
          browserSubscribed = true;
          return browserSub;
        },
        getSubscription: async () => (browserSubscribed ? browserSub : null),
      },
    };
    const push = new GuestPush(anonymous);
    await push.subscribe(event.id, ada.token, registration);
    const rows = async () => (await t.deps.db.select().from(pushSubscriptions)).filter((r) => r.endpoint === endpoint);
    expect(await rows()).toHaveLength(1);
    expect(await push.unsubscribe(event.id, ada.token, registration)).toBe(true);
    expect(browserSubscribed).toBe(false);
    expect(await rows()).toEqual([]);
    expect(await push.unsubscribe(event.id, ada.token, registration)).toBe(false);
  });
});
