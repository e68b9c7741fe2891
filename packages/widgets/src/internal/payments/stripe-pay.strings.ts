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
