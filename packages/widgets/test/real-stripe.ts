import { sendKeys } from "@web/test-runner-commands";
import type { RealEvent } from "./real-event.js";
import type { RealPlaces } from "./real-places.js";

/**
 * The second real API, whose payments provider is Stripe pointed at the Stripe stand-in
 * (test/real-api-stripe.mjs), and where the stand-in Stripe.js is served.
 */
export async function stripeStandIn(): Promise<{ stripeJs: string }> {
  const res = await fetch("/__gatherkit-stripe.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`The Stripe-configured API did not start:\n${await res.text()}`);
  return res.json();
}

export async function stripeEvent(): Promise<RealEvent> {
  const res = await fetch("/__gatherkit-stripe/event.json", { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The Stripe-configured API could not make an event:\n${body.error}`);
  return body as RealEvent;
}

/** An event of an organization that picked the checkout `mode` (the Stripe-configured API). */
export async function stripeModeEvent(mode: "payment_element" | "checkout_embedded" | "checkout_redirect"): Promise<RealEvent> {
  const res = await fetch(`/__gatherkit-stripe/mode-event.json?mode=${mode}`, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The Stripe-configured API could not make an event:\n${body.error}`);
  return body as RealEvent;
}

/** Pays (or declines) a Checkout Session on Stripe's hosted page, as the buyer would there; answers where Stripe sends them back. */
export async function payHosted(session: string, outcome: "pay" | "decline" = "pay"): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`/__gatherkit-stripe/pay-hosted.json?session=${encodeURIComponent(session)}&outcome=${outcome}`, {
    cache: "no-store",
  });
  if (!res.ok) throw new Error(`The Stripe stand-in did not answer: ${res.status}`);
  return res.json();
}

export async function stripePlaces(): Promise<RealPlaces> {
  const res = await fetch("/__gatherkit-stripe/places.json", { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The Stripe-configured API could not make places:\n${body.error}`);
  return body as RealPlaces;
}

/** Holds Stripe's webhooks back (`true`: a late webhook), or sends what was held (`false`). */
export async function holdWebhooks(hold: boolean): Promise<void> {
  const res = await fetch(`/__gatherkit-stripe/webhooks.json?hold=${hold ? 1 : 0}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`The Stripe stand-in did not answer: ${res.status}`);
}

/** The 3-D Secure challenge the stand-in Stripe.js shows (in the page's body, like Stripe's). */
export const challenge = () => document.getElementById("standin-3ds");

/** Types a card number into the focused card field, replacing what was there. */
export async function typeCard(number: string): Promise<void> {
  await sendKeys({ down: "Control" });
  await sendKeys({ press: "KeyA" });
  await sendKeys({ up: "Control" });
  await sendKeys({ press: "Backspace" });
  await sendKeys({ type: number });
}
