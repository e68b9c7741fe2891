import { expect, fixture, html, oneEvent, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import type { PushRegistration } from "@gatherkit/sdk";
import { sendKeys } from "@web/test-runner-commands";
import { active, findAll, part, rendered, text } from "../../test/dom.js";
import { type RealGuestEvent, realGuestEvent } from "../../test/real-event.js";
import type { GkRsvp } from "./rsvp.js";
import "./rsvp.js";

/**
 * "Remind me on this device" against the real API (its local VAPID key) with a mocked PushManager:
 * offered only after a yes or maybe, only where the page has a registration that can receive push,
 * loaded on demand, and the subscription goes to the API through the guest's link.
 */
const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** A service worker registration whose PushManager records what it was asked and answers a subscription on a known push service. */
async function mockRegistration(name: string) {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const p256dh = b64url(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
  const asked: string[] = [];
  const registration: PushRegistration = {
    pushManager: {
      async subscribe(o) {
        asked.push(o.applicationServerKey);
        return {
          toJSON: () => ({
            endpoint: `https://fcm.googleapis.com/fcm/send/gk-widget-${name}`,
            keys: { p256dh, auth: b64url(new Uint8Array(16).fill(7)) },
          }),
        };
      },
    },
  };
  return { registration, asked };
}

/** The same with the browser's own subscription, as a real registration keeps it (`getSubscription`, `unsubscribe`). */
async function statefulRegistration(name: string) {
  const { registration: base, asked } = await mockRegistration(name);
  let current: { endpoint: string; toJSON(): unknown; unsubscribe(): Promise<boolean> } | null = null;
  const registration = {
    pushManager: {
      async subscribe(o: { userVisibleOnly: boolean; applicationServerKey: string }) {
        const sub = await base.pushManager.subscribe(o);
        const json = sub.toJSON() as { endpoint: string };
        current = {
          endpoint: json.endpoint,
          toJSON: () => json,
          unsubscribe: async () => {
            current = null;
            return true;
          },
        };
        return current;
      },
      getSubscription: async () => current,
    },
  };
  return { registration, asked, subscribed: () => current !== null };
}

async function rsvpOf(api: RealGuestEvent, token: string, attribute: "guest-token" | "token" = "guest-token") {
  const el = await fixture<GkRsvp>(
    attribute === "token"
      ? html`<gk-rsvp api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} token=${token}></gk-rsvp>`
      : html`<gk-rsvp api-base=${api.apiBase} publishable-key=${api.publishableKey} event=${api.eventId} guest-token=${token}></gk-rsvp>`,
  );
  await waitUntil(() => part(el, "title") || part(el, "error"), "the RSVP never loaded", { timeout: 20_000 });
  return el;
}

async function answer(el: GkRsvp, which: "yes" | "maybe" | "no") {
  findAll<HTMLInputElement>(el, 'input[name="answer"]')
    .find((r) => r.value === which)!
    .click();
  await el.updateComplete;
  const changed = oneEvent(el, "gk-rsvp-changed");
  (part(el, "submit-button") as HTMLButtonElement).click();
  await changed;
  await rendered(el);
}

describe("<gk-rsvp> reminders on this device (mocked PushManager, real API)", function () {
  this.timeout(60_000);
  let api: RealGuestEvent;
  beforeEach(async function () {
    this.timeout(150_000);
    api = await realGuestEvent();
  });

  it("after a yes, offers it; from the keyboard it subscribes with the API's VAPID key and says so", async () => {
    const { registration, asked } = await mockRegistration(api.eventId);
    const el = await rsvpOf(api, api.guests.ada);
    el.pushRegistration = registration;
    await el.updateComplete;
    // Not before the guest said they are coming.
    expect(part(el, "push")).to.equal(null);
    await answer(el, "yes");
    await waitUntil(() => part(el, "push-button"), "no push offer after a yes", { timeout: 10_000 });
    const button = part(el, "push-button") as HTMLButtonElement;
    expect(text(button)).to.equal("Remind me on this device");
    await expect(el).to.be.accessible();

    button.focus();
    await sendKeys({ press: "Enter" });
    await waitUntil(() => part(el, "push-status"), "never subscribed", { timeout: 10_000 });
    expect(text(part(el, "push-status"))).to.equal("Reminders will come to this device.");
    expect(active()).to.equal(part(el, "push-status"));
    expect(part(el, "form-error")).to.equal(null);
    // The key the API gave through the guest's link (a P-256 public key, base64url).
    expect(asked).to.have.length(1);
    expect(asked[0]).to.match(/^[A-Za-z0-9_-]{86,88}$/);
    await expect(el).to.be.accessible();
  });

  it("shows nothing where the page has no registration that can receive push, or after a no", async () => {
    const container = navigator.serviceWorker;
    const original = container.getRegistration;
    let looked = 0;
    container.getRegistration = async () => {
      looked++;
      return undefined;
    };
    try {
      const el = await rsvpOf(api, api.guests.ada);
      await answer(el, "maybe");
      await waitUntil(() => looked > 0, "the page's registration was never looked for", { timeout: 10_000 });
      await rendered(el);
      expect(part(el, "push-button")).to.equal(null);
      expect(part(el, "push-status")).to.equal(null);
      await expect(el).to.be.accessible();
    } finally {
      container.getRegistration = original;
    }
    const { registration, asked } = await mockRegistration(`${api.eventId}-no`);
    const bo = await rsvpOf(api, api.guests.bo);
    bo.pushRegistration = registration;
    await answer(bo, "no");
    await rendered(bo);
    expect(part(bo, "push")).to.equal(null);
    expect(asked).to.deep.equal([]);
  });

  it("is a toggle: once subscribed, 'Stop reminders on this device' unsubscribes the browser and the API, from the keyboard", async () => {
    const { registration, subscribed } = await statefulRegistration(`${api.eventId}-toggle`);
    // The guest's token given as `token`, as the issue's <gk-rsvp event token> writes it.
    const el = await rsvpOf(api, api.guests.ada, "token");
    el.pushRegistration = registration as PushRegistration;
    await answer(el, "yes");
    await waitUntil(() => part(el, "push-button"), "no push offer after a yes", { timeout: 10_000 });
    (part(el, "push-button") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    await waitUntil(() => subscribed() && text(part(el, "push-button")) === "Stop reminders on this device", "never became a toggle", {
      timeout: 10_000,
    });
    expect(text(part(el, "push-status"))).to.equal("Reminders will come to this device.");
    await expect(el).to.be.accessible();

    (part(el, "push-button") as HTMLButtonElement).focus();
    await sendKeys({ press: "Enter" });
    await waitUntil(() => text(part(el, "push-status")) === "Reminders no longer come to this device.", "never stopped", {
      timeout: 10_000,
    });
    expect(subscribed()).to.equal(false);
    expect(active()).to.equal(part(el, "push-status"));
    expect(text(part(el, "push-button"))).to.equal("Remind me on this device");
    expect(part(el, "form-error")).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it("a page already subscribed in this browser is offered 'Stop reminders on this device' when it loads", async () => {
    const { registration } = await statefulRegistration(`${api.eventId}-again`);
    await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: "x" });
    const el = await rsvpOf(api, api.guests.ada, "token");
    el.pushRegistration = registration as PushRegistration;
    await answer(el, "yes");
    await waitUntil(() => part(el, "push-button"), "no push control after a yes", { timeout: 10_000 });
    expect(text(part(el, "push-button"))).to.equal("Stop reminders on this device");
  });
});
