import { plural } from "../../../base/i18n.js";
import type { StripePayStrings } from "../../payments/stripe-pay.strings.js";
import type { PlacesStrings } from "../places.strings.js";

export default {
  bookTitle: (place) => `Réserver ${place}`,
  name: "Nom",
  email: "E-mail",
  phone: "Téléphone",
  phoneHint: "Avec l’indicatif du pays, p. ex. +33 pour la France.",
  plate: "Plaque d’immatriculation",
  book: "Réserver",
  booking: "Réservation…",
  cancel: "Annuler",
  booked: (place) => `Réservé : ${place}`,
  when: "Quand",
  price: "Prix",
  reference: "Référence",
  done: "Terminé",
  payTitle: (place) => `Payez pour confirmer : ${place}`,
  heldUntil: (time) => `Votre place est retenue jusqu’à ${time}.`,
  held: "Votre place est retenue pendant que vous payez.",
  referenceIs: (id) => `Référence ${id}.`,
  newTab: " (s’ouvre dans un nouvel onglet)",
  payHere: "Terminez le paiement sur cette page.",
  checking: "Vérification…",
  paid: "J’ai payé",
  notArrived: "Le paiement n’est pas encore arrivé : payez sur la page de paiement, puis réessayez.",
  holdEnded: "La réservation a expiré avant l’arrivée du paiement : réservez à nouveau.",
  free: (n) => (n > 0 ? `${n} ${plural("fr", n, { one: "libre", other: "libres" })}` : "Complet"),
  full: "Complet",
  reviews: (n) => `${n} ${plural("fr", n, { one: "avis", other: "avis" })}`,
} satisfies Omit<PlacesStrings, keyof StripePayStrings>;
