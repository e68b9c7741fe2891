import type { TicketType } from "@gatherkit/sdk";
import { plural } from "../base/i18n.js";
import { mergeLocales, STRIPE_PAY_LOCALES, STRIPE_PAY_STRINGS, type StripePayStrings } from "../internal/payments/stripe-pay.strings.js";

/** What the widget says of a ticket type's sales, including an unpublished event. */
export type Availability = TicketType["availability"] | "unpublished";

/**
 * Every sentence the widget shows, in English. Other languages are in `locales/<lang>.ts`, loaded on
 * demand; a page overrides single sentences with `el.strings = { checkout: "Reserve" }`.
 */
export const TICKET_CHECKOUT_STRINGS = {
  ...STRIPE_PAY_STRINGS,
  loading: "Loading tickets…",
  empty: "No tickets are on sale for this event.",
  tickets: "Tickets",
  free: "Free",
  fewer: (name: string) => `Fewer ${name}`,
  more: (name: string) => `More ${name}`,
  quantityOf: (name: string) => `${name}: number of tickets`,
  left: (n: number) => `${n} left`,
  perOrder: (min: number, max: number) => (min > 1 ? `${min} to ${max} per order` : `Up to ${max} per order`),
  availability: {
    on_sale: "",
    sold_out: "Sold out",
    not_yet_on_sale: "Not yet on sale",
    sales_ended: "Sales ended",
    cancelled: "Cancelled",
    unpublished: "Not on sale",
  } as Record<Availability, string>,
  salesFrom: (when: string) => `On sale from ${when}`,
  buyer: "Your details",
  name: "Name",
  email: "Email",
  nameRequired: "Enter your name.",
  emailInvalid: "Enter an email address such as name@example.com.",
  chooseTickets: "Choose at least one ticket.",
  total: (amount: string, n: number) => `Total ${amount} for ${n} ${plural("en", n, { one: "ticket", other: "tickets" })}`,
  checkout: "Check out",
  held: "Your tickets are held",
  heldFor: "Time left to pay:",
  pay: (amount: string) => `Pay ${amount}`,
  payHint: "Payment opens in a new tab. Come back here when you are done.",
  redirectHint: "You pay on Stripe's page, then come back here.",
  paymentNotMade: "The payment was not made. You can try again while your tickets are held.",
  stripeHint: "This checkout pays with Stripe: the page's own payment form completes it.",
  checkPayment: "I have paid",
  waiting: "Waiting for the payment…",
  done: (title: string) => `You're going to ${title}`,
  confirmation: "Confirmation code",
  emailed: (email: string) => `A confirmation was sent to ${email}.`,
  ticketList: "Your tickets",
  again: "Buy more tickets",
  expired: "Your hold ran out and the tickets went back on sale.",
  cancelled: "This checkout was cancelled and the tickets went back on sale.",
  startAgain: "Start again",
  stockChanged: (name: string, n: number) => `Only ${n} ${name} left: your selection was lowered.`,
};
export type TicketCheckoutStrings = typeof TICKET_CHECKOUT_STRINGS;
/** A language's table of the widget's own sentences (the payment step's are `StripePayStrings`). */
export type OwnTicketCheckoutStrings = Omit<TicketCheckoutStrings, Exclude<keyof StripePayStrings, "pay">>;

/** The other languages' tables, each its own chunk (see `locales/`). */
export const TICKET_CHECKOUT_LOCALES = mergeLocales<TicketCheckoutStrings>(STRIPE_PAY_LOCALES, {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
});
