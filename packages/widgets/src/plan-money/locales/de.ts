import type { PlanMoneyStrings } from "../plan-money.strings.js";

export default {
  loading: "Wer wem was schuldet, wird geladen…",
  heading: "Wer schuldet wem",
  nobody: "Noch schuldet niemand etwas.",
  settleUp: "Zum Ausgleichen",
  allSettled: "Alles ist ausgeglichen.",
  balances: "Salden",
  you: "Sie",
  transfer: (from, to, amount) => [`${from ?? "Sie"} ${from ? "zahlt" : "zahlen"} ${to ?? "Ihnen"} `, amount],
  markPaid: "Als bezahlt markieren",
  markPaidLabel: (amount, to) => `Als bezahlt markieren: ${amount} an ${to}`,
  toConfirm: "Wartet auf Ihre Bestätigung",
  paidYou: (from, amount) => [`${from} sagt, Ihnen gezahlt zu haben: `, amount],
  confirm: "Erhalt bestätigen",
  confirmLabel: (amount, from) => `Erhalt bestätigen: ${amount} von ${from}`,
  owes: (mine, amount) => `${mine ? "schulden" : "schuldet"} ${amount}`,
  owed: (mine, amount) => `${mine ? "bekommen" : "bekommt"} ${amount}`,
  waiting: (amount) => `hat ${amount} gezahlt, wartet auf Bestätigung`,
  settled: "ausgeglichen",
} satisfies PlanMoneyStrings;
