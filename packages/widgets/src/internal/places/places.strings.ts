import { type LocaleLoaders, plural } from "../../base/i18n.js";
import { mergeLocales, STRIPE_PAY_LOCALES, STRIPE_PAY_STRINGS, type StripePayStrings } from "../payments/stripe-pay.strings.js";

/**
 * The sentences both places widgets show (the booking form, the payment step and the confirmation),
 * in English. Each widget's table spreads this one; other languages are in `locales/<lang>.ts`.
 */
export const PLACES_STRINGS = {
  ...STRIPE_PAY_STRINGS,
  bookTitle: (place: string) => `Book ${place}`,
  name: "Name",
  email: "Email",
  phone: "Phone",
  phoneHint: "With the country code, e.g. +351 for Portugal.",
  plate: "Vehicle plate",
  book: "Book",
  booking: "Booking…",
  cancel: "Cancel",
  booked: (place: string) => `Booked: ${place}`,
  when: "When",
  price: "Price",
  reference: "Reference",
  done: "Done",
  payTitle: (place: string) => `Pay to confirm: ${place}`,
  heldUntil: (time: string) => `Your spot is held until ${time}.`,
  held: "Your spot is held while you pay.",
  referenceIs: (id: string) => `Reference ${id}.`,
  newTab: " (opens in a new tab)",
  payHere: "Complete the payment on this page.",
  checking: "Checking…",
  paid: "I have paid",
  notArrived: "The payment has not arrived yet: pay on the payment page, then try again.",
  holdEnded: "The hold ended before the payment arrived: book again.",
  /** "Full", "3 free" (a cell or a marker). */
  free: (n: number) => (n > 0 ? `${n} free` : "Full"),
  full: "Full",
  reviews: (n: number) => `${n} ${plural("en", n, { one: "review", other: "reviews" })}`,
};
export type PlacesStrings = typeof PLACES_STRINGS;

/** The other languages' tables of the shared sentences (without the payment step's), each its own chunk (see `locales/`). */
const PLACES_LOCALES: LocaleLoaders<Omit<PlacesStrings, keyof StripePayStrings>> = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};

/** A places widget's loaders: the payment step's table of a language, the shared one and its own, fetched together. */
export const withPlaces = <T extends PlacesStrings>(own: LocaleLoaders<Omit<T, keyof PlacesStrings>>): LocaleLoaders<T> =>
  mergeLocales<T>(STRIPE_PAY_LOCALES, PLACES_LOCALES, own);
