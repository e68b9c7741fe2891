import type { Booking, BookingCreateParams, Place } from "@gatherkit/sdk";
import { html, nothing, type TemplateResult } from "lit";
import { formatInstantRange, formatMoney } from "../plans/format.js";

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
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    o.onSubmit(readBookingForm(e.currentTarget as HTMLFormElement));
  };
  return html`<section part="booking" aria-labelledby="booking-title">
    <h3 id="booking-title" part="booking-title">Book ${o.place.name}</h3>
    <p part="booking-summary">${o.summary}</p>
    <form part="booking-form" @submit=${submit} aria-describedby="booking-title">
      <label part="field">Name <input part="input" name="name" required autocomplete="name" maxlength="120" /></label>
      <label part="field">Email <input part="input" name="email" type="email" autocomplete="email" maxlength="254" /></label>
      <div>
        <label part="field"
          >Phone <input part="input" name="phone" type="tel" autocomplete="tel" placeholder="+351912345678" aria-describedby="phone-hint"
        /></label>
        <span id="phone-hint" class="hint">With the country code, e.g. +351 for Portugal.</span>
      </div>
      ${
        o.place.kind === "parking"
          ? html`<label part="field">Vehicle plate <input part="input" name="plate" autocomplete="off" maxlength="14" /></label>`
          : nothing
      }
      ${o.problem}
      <div class="actions">
        <button part="button submit-button" type="submit" aria-disabled=${o.busy ? "true" : "false"}>
          ${o.busy ? "Booking…" : "Book"}
        </button>
        <button part="button cancel-button" class="secondary" type="button" @click=${o.onCancel}>Cancel</button>
      </div>
    </form>
  </section>`;
}

/** The confirmation after booking: what, when, the price and the reference. */
export function renderConfirmation(booking: Booking, place: Place, onDone: () => void): TemplateResult {
  return html`<section part="confirmation" aria-labelledby="confirmation-title">
    <h3 id="confirmation-title" part="confirmation-title">Booked: ${place.name}</h3>
    <dl>
      <dt>When</dt>
      <dd>${formatInstantRange(booking.start, booking.end, place.timeZone)}</dd>
      <dt>Price</dt>
      <dd>${formatMoney(booking.price.amount, booking.price.currency)}</dd>
      ${booking.vehiclePlate ? html`<dt>Plate</dt><dd>${booking.vehiclePlate}</dd>` : nothing}
      <dt>Reference</dt>
      <dd part="reference">${booking.id}</dd>
    </dl>
    <button part="button done-button" type="button" @click=${onDone}>Done</button>
  </section>`;
}
