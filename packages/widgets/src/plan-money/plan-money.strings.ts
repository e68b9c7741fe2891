/**
 * Every sentence `<gk-plan-money>` shows, in English (other languages: `locales/`). Reword with
 * `el.strings`. A name that is `null` is the viewer; sentences around an amount return pieces so
 * the amount keeps its `<strong>`.
 */
export const PLAN_MONEY_STRINGS = {
  loading: "Loading who owes whom…",
  heading: "Who owes whom",
  nobody: "Nobody owes anything yet.",
  settleUp: "To settle up",
  allSettled: "Everyone is settled up.",
  balances: "Balances",
  you: "You",
  transfer: (from: string | null, to: string | null, amount: unknown): unknown[] => [
    `${from ?? "You"} ${from ? "pays" : "pay"} ${to ?? "you"} `,
    amount,
  ],
  markPaid: "Mark as paid",
  markPaidLabel: (amount: string, to: string) => `Mark as paid: ${amount} to ${to}`,
  toConfirm: "Waiting for you to confirm",
  paidYou: (from: string, amount: unknown): unknown[] => [`${from} says they paid you `, amount],
  confirm: "Confirm received",
  confirmLabel: (amount: string, from: string) => `Confirm received: ${amount} from ${from}`,
  owes: (mine: boolean, amount: string) => `${mine ? "owe" : "owes"} ${amount}`,
  owed: (mine: boolean, amount: string) => `${mine ? "are" : "is"} owed ${amount}`,
  waiting: (amount: string) => `paid ${amount}, waiting for confirmation`,
  settled: "settled up",
};
export type PlanMoneyStrings = typeof PLAN_MONEY_STRINGS;

export const PLAN_MONEY_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
