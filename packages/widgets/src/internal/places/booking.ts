import type { Booking, BookingCreateParams, Place, Places } from "@gatherkit/sdk";
import { html, nothing, type TemplateResult } from "lit";
import { type StripePay, stripeTargetOf } from "../payments/stripe-pay.js";
import { formatInstantRange, formatMoney } from "../plans/format.js";
import type { PlacesStrings } from "./places.strings.js";

export type { PlacesStrings } from "./places.strings.js";

declare global {
  interface GkEventDetailMap {
    "gk-booking-complete": BookingCompleteDetail;
  }
}

/** Detail of `gk-booking-complete`: the API confirmed a booking made in the widget. */
export interface BookingCompleteDetail {
  booking: Booking;
  place: Place;
}

/** What the booking form asks for besides the window: the contact, and a plate for parking. */
export type BookingFields = Pick<BookingCreateParams, "contact" | "vehiclePlate">;

/** The form's fields as the API takes them (blank optional fields left out; the API validates). */
export function readBookingForm(form: HTMLFormElement): BookingFields {
  const data = new FormData(form);
  const value = (name: string) => String(data.get(name) ?? "").trim() || undefined;
  const plate = value("plate");
  return {
    contact: { name: value("name") ?? "", email: value("email"), phone: value("phone") },
    ...(plate ? { vehiclePlate: plate } : {}),
  };
}

export interface BookingFormOptions {
  place: Place;
  /** The widget's sentences. */
  s: PlacesStrings;
  /** What is being booked, e.g. "Thu 10 Dec, 09:00 – 11:00 · €8.00". */
  summary: string;
  busy: boolean;
  /** The API's refusal of the last attempt (from an ActionController). */
  problem: TemplateResult | typeof nothing;
  onSubmit: (fields: BookingFields) => void;
  onCancel: () => void;
}

/**
 * The booking form both places widgets show: name, email, phone and (for parking) the vehicle's
 * plate, then Book. Native validation only for what the browser checks well (required, email);
 * everything else is the API's to refuse, shown in `problem`.
 */
export function renderBookingForm(o: BookingFormOptions): TemplateResult {
  const s = o.s;
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    o.onSubmit(readBookingForm(e.currentTarget as HTMLFormElement));
  };
  return html`<section part="booking" aria-labelledby="booking-title">
    <h3 id="booking-title" part="booking-title">${s.bookTitle(o.place.name)}</h3>
    <p part="booking-summary">${o.summary}</p>
    <form part="booking-form" @submit=${submit} aria-describedby="booking-title">
      <label part="field">${s.name} <input part="input" name="name" required autocomplete="name" maxlength="120" /></label>
      <label part="field">${s.email} <input part="input" name="email" type="email" autocomplete="email" maxlength="254" /></label>
      <div>
        <label part="field"
          >${s.phone} <input part="input" name="phone" type="tel" autocomplete="tel" placeholder="+351912345678" aria-describedby="phone-hint"
        /></label>
        <span id="phone-hint" class="hint">${s.phoneHint}</span>
      </div>
      ${
        o.place.kind === "parking"
          ? html`<label part="field">${s.plate} <input part="input" name="plate" autocomplete="off" maxlength="14" /></label>`
          : nothing
      }
      ${o.problem}
      <div class="actions">
        <button part="button submit-button" type="submit" aria-disabled=${o.busy ? "true" : "false"}>
          ${o.busy ? s.booking : s.book}
        </button>
        <button part="button cancel-button" class="secondary" type="button" @click=${o.onCancel}>${s.cancel}</button>
      </div>
    </form>
  </section>`;
}

/** The confirmation after booking: what, when, the price and the reference. */
export function renderConfirmation(booking: Booking, place: Place, s: PlacesStrings, locale: string, onDone: () => void): TemplateResult {
  return html`<section part="confirmation" aria-labelledby="confirmation-title">
    <h3 id="confirmation-title" part="confirmation-title">${s.booked(place.name)}</h3>
    <dl>
      <dt>${s.when}</dt>
      <dd>${formatInstantRange(booking.start, booking.end, place.timeZone, locale)}</dd>
      <dt>${s.price}</dt>
      <dd>${formatMoney(booking.price.amount, booking.price.currency, locale)}</dd>
      ${booking.vehiclePlate ? html`<dt>${s.plate}</dt><dd>${booking.vehiclePlate}</dd>` : nothing}
      <dt>${s.reference}</dt>
      <dd part="reference">${booking.id}</dd>
    </dl>
    <button part="button done-button" type="button" @click=${onDone}>${s.done}</button>
  </section>`;
}

export interface PaymentOptions {
  busy: boolean;
  /** Why the last "I have paid" check did not confirm it (from an ActionController). */
  problem: TemplateResult | typeof nothing;
  onPaid: () => void;
  /** Stripe's Payment Element, used when the booking's payment is one (client secret and publishable key). */
  stripe?: StripePay;
}

/**
 * A booking waiting for its online payment (`pending_payment`): what it holds and until when, and
 * either Stripe's Payment Element in the widget (`o.stripe`; the widget then waits for the API's
 * confirmation by itself) or a link to the payment page (Stripe Checkout or the local provider's
 * checkout, in a new tab) and "I have paid", which reads the booking again: the API confirms it
 * only when the provider's webhook said so.
 */
export function renderPayment(booking: Booking, place: Place, s: PlacesStrings, locale: string, o: PaymentOptions): TemplateResult {
  const pay = booking.payment;
  const until = pay?.expiresAt
    ? new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: place.timeZone }).format(new Date(pay.expiresAt))
    : undefined;
  const price = formatMoney(booking.price.amount, booking.price.currency, locale);
  return html`<section part="payment" aria-labelledby="payment-title">
    <h3 id="payment-title" part="payment-title" tabindex="-1">${s.payTitle(place.name)}</h3>
    <p>${formatInstantRange(booking.start, booking.end, place.timeZone, locale)} · ${price}</p>
    <p class="muted">${until ? s.heldUntil(until) : s.held} ${s.referenceIs(booking.id)}</p>
    ${
      o.stripe && stripeTargetOf(pay)
        ? o.stripe.render(price, s)
        : html`<div class="actions">
      ${
        pay?.checkoutUrl
          ? html`<a part="button pay-link" href=${pay.checkoutUrl} target="_blank" rel="noopener">${s.pay(price)}<span class="visually-hidden">${s.newTab}</span></a>`
          : html`<p class="muted">${s.payHere}</p>`
      }
      <button part="button paid-button" class="secondary" type="button" aria-disabled=${o.busy ? "true" : "false"} @click=${o.onPaid}>
        ${o.busy ? s.checking : s.paid}
      </button>
    </div>`
    }
    ${o.problem}
  </section>`;
}

/** A just-made booking read again as its booker (with the token its creating answer carried, kept on it). */
export async function rereadBooking(places: Places, booking: Booking): Promise<Booking> {
  const token = booking.access?.token;
  const now = await places.bookings.retrieve(booking.id, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  // The secrets to pay with come only in the creating answer: keep them while it is the same payment.
  const had = booking.payment;
  const payment =
    now.payment && had && now.payment.paymentIntentId === had.paymentIntentId
      ? {
          ...now.payment,
          clientSecret: had.clientSecret,
          checkoutUrl: had.checkoutUrl,
          publishableKey: had.publishableKey,
          stripeAccount: had.stripeAccount,
        }
      : now.payment;
  return { ...now, access: booking.access, payment };
}

/**
 * After Stripe.js accepted a payment: reads the booking (`check`) every 1.5 s until the API
 * confirmed it, the hold ended, or `waiting()` says the widget stopped waiting (at most 10 minutes).
 */
export async function untilSettled(check: () => Promise<Booking | undefined>, waiting: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && waiting(); i++) {
    const b = await check().catch(() => undefined);
    if (b && b.status !== "pending_payment") return;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

/** Why a booking read after "I have paid" is not confirmed, or undefined when it is. */
export function notPaidReason(booking: Booking, s: PlacesStrings): string | undefined {
  if (booking.status === "confirmed") return undefined;
  return booking.status === "pending_payment" ? s.notArrived : s.holdEnded;
}
