import type { StripePayStrings } from "../stripe-pay.strings.js";

export default {
  payment: "Zahlung",
  payLoading: "Das sichere Zahlungsformular wird geladen…",
  paying: "Ihre Zahlung wird verarbeitet… Wenn Ihre Bank eine Bestätigung verlangt, folgen Sie ihren Schritten.",
  payWaiting: "Zahlung gesendet. Warten auf die Bestätigung…",
  payFailed: (error) => `Das Zahlungsformular konnte nicht geladen werden (${error}). Versuchen Sie es später erneut.`,
  declined: "Die Zahlung wurde abgelehnt. Versuchen Sie eine andere Karte oder Zahlungsart.",
  bankAsks: "Ihre Bank bittet Sie, diese Zahlung zu bestätigen.",
  confirmBank: "Bei Ihrer Bank bestätigen",
  pay: (amount) => `${amount} bezahlen`,
  payAgain: (amount) => `Erneut versuchen: ${amount} bezahlen`,
} satisfies StripePayStrings;
