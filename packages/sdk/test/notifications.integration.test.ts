import { createECDH, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParticipantToken, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { finalizePlan, type NotifyingApp, notifyingApp, planWithPeople } from "../../../apps/api/test/notify-fixtures.js";
import { BadRequestError, Gatherkit, PermissionDeniedError, type PushRegistration } from "../src/index.js";

// gk.notifications against the real API in process: a participant's inbox filled by a plan that
// notifies, their preferences, and web push subscription through a stand-in registration.
const BASE = "http://api.test";
let app: NotifyingApp;
let org: TestOrg;
beforeAll(async () => {
  app = await notifyingApp();
  org = app.a;
});
afterAll(() => app.t.close());

const as = (token: string) => new Gatherkit({ baseUrl: BASE, fetch: app.t.fetch, token, maxRetries: 0 });

describe("gk.notifications", () => {
  it("lists the inbox with the unread count, marks read, and changes preferences", async () => {
    const { plan, ada } = await planWithPeople(app.t, org);
    await finalizePlan(app.t, org, plan);
    await app.settle();
    const gk = as(ada.token);
    expect(await gk.notifications.unreadCount()).toBe(1);
    expect(await gk.notifications.unread()).toEqual({ unread: 1, recipientId: ada.participantId });
    const log = await new Gatherkit({ baseUrl: BASE, fetch: app.t.fetch, secretKey: org.secretKey }).notifications.deliveries({
      channel: "inbox",
    });
    expect(log.data[0]).toMatchObject({ channel: "inbox", kind: "plan_finalized", status: "sent" });
    const [item] = (await gk.notifications.list({ unread: true })).data;
    expect(item).toMatchObject({ kind: "plan_finalized", subjectId: plan.id, readAt: null });
    expect((await gk.notifications.read(item!.id)).readAt).not.toBeNull();
    expect(await gk.notifications.unreadCount()).toBe(0);
    expect(await gk.notifications.readAll()).toEqual({ marked: 0, unread: 0 });

    const after = await gk.notifications.updatePreferences({ changes: [{ kind: "plan_cancelled", channel: "email", enabled: false }] });
    expect(after.data.find((p) => p.kind === "plan_cancelled")?.channels.email).toBe(false);
    expect((await gk.notifications.preferences()).data).toEqual(after.data);
    // @ts-expect-error an unknown kind is refused by the types and by the API
    await expect(gk.notifications.updatePreferences({ changes: [{ kind: "nope", channel: "email", enabled: false }] })).rejects.toThrow(
      BadRequestError,
    );
    await expect(new Gatherkit({ baseUrl: BASE, fetch: app.t.fetch, secretKey: org.secretKey }).notifications.list()).rejects.toThrow(
      PermissionDeniedError,
    );
  });

  it("subscribes a browser to web push with the API's VAPID key", async () => {
    const me = await createParticipantToken(app.t, org.secretKey, { name: "Pat" });
    let asked: string | undefined;
    const registration: PushRegistration = {
      pushManager: {
        async subscribe(o) {
          asked = o.applicationServerKey;
          const ecdh = createECDH("prime256v1");
          ecdh.generateKeys();
          return {
            toJSON: () => ({
              endpoint: "https://push.example.test/send/abc123",
              keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
            }),
          };
        },
      },
    };
    const sub = await as(me.token).notifications.subscribePush(registration);
    expect(sub.endpoint).toBe("https://push.example.test/send/abc123");
    expect(asked).toMatch(/^[A-Za-z0-9_-]{80,}$/);
  });
});
