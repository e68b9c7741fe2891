import type { Booking, Places } from "@gatherkit/sdk";
import type { LitElement, ReactiveController } from "lit";
import type { ActionController } from "../../base/action-controller.js";
import { emit } from "../../base/events.js";
import type { BookingCompleteDetail } from "../places/booking.js";
import { notPaidReason, type PlacesStrings, renderPayment, rereadBooking, untilSettled } from "../places/booking.js";
import { StripePay, stripeTargetOf } from "./stripe-pay.js";

/** What {@link BookingPayment} reads and changes on its places widget. */
export interface BookingPaymentHost {
  /** The places resource of the widget's client, or undefined without one. */
  places: () => Places | undefined;
  /** The booking just made (with its place), or undefined. */
  booked: () => BookingCompleteDetail | undefined;
  /** Shows the booking as it is now (confirmed once paid). */
  setBooked: (detail: BookingCompleteDetail) => void;
  /** Where Stripe.js is loaded from (`stripe-js-url`), or undefined for Stripe's own. */
  scriptUrl: () => string | undefined;
  /** The widget's sentences (the payment step's among them). */
  strings: () => PlacesStrings;
}

/**
 * A booking waiting for its online payment, in `<gk-parking-map>` and `<gk-slot-picker>`: the
 * payment step (Stripe's Payment Element, or the payment page's link and "I have paid"), reading
 * the booking again as its booker until the API says it is paid — which only the provider's webhook
 * makes it — then the confirmation and `gk-booking-complete`. The action key is `paid`.
 */
export class BookingPayment implements ReactiveController {
  readonly #el: LitElement;
  readonly #host: BookingPaymentHost;
  readonly #actions: ActionController;
  readonly #stripe: StripePay;

  constructor(el: LitElement, actions: ActionController, host: BookingPaymentHost) {
    this.#el = el;
    this.#host = host;
    this.#actions = actions;
    this.#stripe = new StripePay(el, { scriptUrl: host.scriptUrl, onSubmitted: () => void this.#awaitPaid() });
    el.addController(this);
  }

  /** The booking being paid, or undefined when the booked one (if any) needs no payment. */
  get #pending(): BookingCompleteDetail | undefined {
    const b = this.#host.booked();
    return b?.booking.status === "pending_payment" ? b : undefined;
  }

  hostUpdated(): void {
    this.#stripe.sync(stripeTargetOf(this.#pending?.booking.payment));
  }

  /** The payment step for the booked booking, or undefined when it is not waiting for one. */
  render() {
    const held = this.#pending;
    if (!held) return undefined;
    return renderPayment(
      held.booking,
      held.place,
      this.#host.strings(),
      (this.#el as LitElement & { resolvedLocale: string }).resolvedLocale,
      {
        busy: this.#actions.busy("paid"),
        problem: this.#actions.renderProblem("paid"),
        onPaid: () => void this.#paid(),
        stripe: this.#stripe,
      },
    );
  }

  /** "I have paid": the booking again, as its booker; confirmed only once the provider's webhook said so. */
  async #paid(quiet = false): Promise<Booking | undefined> {
    const places = this.#host.places();
    const held = this.#host.booked();
    if (!places || !held) return;
    const booking = await this.#actions.run("paid", () => rereadBooking(places, held.booking));
    if (!booking) return;
    const reason = notPaidReason(booking, this.#host.strings());
    // Waiting after a Payment Element payment: "not yet" is no news, only the hold's end is.
    if (reason) {
      if (!quiet || booking.status !== "pending_payment") this.#actions.fail("paid", reason);
      return booking;
    }
    this.#host.setBooked({ booking, place: held.place });
    this.#actions.focusAfterUpdate("#confirmation-title");
    emit(this.#el, "gk-booking-complete", { booking, place: held.place });
    return booking;
  }

  /** Stripe.js accepted the payment: wait for the API to confirm the booking (Stripe's webhook), reading it again. */
  async #awaitPaid(): Promise<void> {
    const held = this.#host.booked();
    await untilSettled(
      () => this.#paid(true),
      () => this.#el.isConnected && this.#host.booked() === held && this.#stripe.state === "waiting",
    );
  }
}
