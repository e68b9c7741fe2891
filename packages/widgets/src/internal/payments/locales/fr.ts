import type { StripePayStrings } from "../stripe-pay.strings.js";

export default {
  payment: "Paiement",
  payLoading: "Chargement du formulaire de paiement sécurisé…",
  paying: "Paiement en cours… Si votre banque vous demande de le confirmer, suivez ses étapes.",
  payWaiting: "Paiement envoyé. En attente de la confirmation…",
  payFailed: (error) => `Le formulaire de paiement n’a pas pu se charger (${error}). Réessayez plus tard.`,
  declined: "Le paiement a été refusé. Essayez une autre carte ou un autre moyen de paiement.",
  bankAsks: "Votre banque vous demande de confirmer ce paiement.",
  confirmBank: "Confirmer auprès de votre banque",
  pay: (amount) => `Payer ${amount}`,
  payAgain: (amount) => `Réessayer : payer ${amount}`,
} satisfies StripePayStrings;
