import type { PlanMoneyStrings } from "../plan-money.strings.js";

export default {
  loading: "Chargement des comptes…",
  heading: "Qui doit quoi à qui",
  nobody: "Personne ne doit rien pour l’instant.",
  settleUp: "Pour équilibrer",
  allSettled: "Tous les comptes sont équilibrés.",
  balances: "Soldes",
  you: "Vous",
  transfer: (from, to, amount) =>
    from ? [`${from} ${to ? "paie " : "vous paie "}`, amount, to ? ` à ${to}` : ""] : ["Vous payez ", amount, ` à ${to}`],
  markPaid: "Marquer comme payé",
  markPaidLabel: (amount, to) => `Marquer comme payé : ${amount} à ${to}`,
  toConfirm: "En attente de votre confirmation",
  paidYou: (from, amount) => [`${from} dit vous avoir payé `, amount],
  confirm: "Confirmer la réception",
  confirmLabel: (amount, from) => `Confirmer la réception : ${amount} de ${from}`,
  owes: (mine, amount) => `${mine ? "devez" : "doit"} ${amount}`,
  owed: (mine, amount) => `${mine ? "devez recevoir" : "doit recevoir"} ${amount}`,
  waiting: (amount) => `a payé ${amount}, en attente de confirmation`,
  settled: "à jour",
} satisfies PlanMoneyStrings;
