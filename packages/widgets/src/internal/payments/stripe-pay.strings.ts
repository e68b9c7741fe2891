import type { LocaleLoaders } from "../../base/i18n.js";

/** The sentences of the Payment Element step (`StripePay.render`), in English; the places widgets carry them in their tables. */
export const STRIPE_PAY_STRINGS = {
  payment: "Payment",
  payLoading: "Loading the secure payment form…",
  paying: "Processing your payment… If your bank asks you to confirm it, follow its steps.",
  payWaiting: "Payment sent. Waiting for the confirmation…",
  payFailed: (error: string) => `The payment form could not load (${error}). Try again later.`,
  declined: "The payment was declined. Try another card or payment method.",
  bankAsks: "Your bank asks you to confirm this payment.",
  confirmBank: "Confirm with your bank",
  pay: (amount: string) => `Pay ${amount}`,
  payAgain: (amount: string) => `Try again: pay ${amount}`,
};
export type StripePayStrings = typeof STRIPE_PAY_STRINGS;

/** The other languages' tables of the payment step, each its own chunk (see `locales/`). */
export const STRIPE_PAY_LOCALES: LocaleLoaders<StripePayStrings> = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};

/**
 * One language's loaders made of several tables' (the payment step's, the places widgets' shared
 * ones, a widget's own): their chunks are fetched together and merged, later tables winning. Each
 * chunk stays small, and one shared by two widgets on a page is fetched once.
 */
export function mergeLocales<T extends object>(...sets: LocaleLoaders<object>[]): LocaleLoaders<T> {
  return Object.fromEntries(
    Object.keys(sets[sets.length - 1]!).map((lang) => [
      lang,
      () =>
        Promise.all(sets.map((set) => set[lang]!())).then((tables) => ({
          default: Object.assign({}, ...tables.map((t) => t.default)) as T,
        })),
    ]),
  );
}
