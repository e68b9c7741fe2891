import type { PlanMoneyStrings } from "../plan-money.strings.js";

export default {
  loading: "Cargando quién debe a quién…",
  heading: "Quién debe a quién",
  nobody: "Nadie debe nada todavía.",
  settleUp: "Para saldar cuentas",
  allSettled: "Todas las cuentas están saldadas.",
  balances: "Saldos",
  you: "Usted",
  transfer: (from, to, amount) =>
    from ? [`${from} ${to ? "paga " : "le paga "}`, amount, to ? ` a ${to}` : ""] : ["Usted paga ", amount, ` a ${to}`],
  markPaid: "Marcar como pagado",
  markPaidLabel: (amount, to) => `Marcar como pagado: ${amount} a ${to}`,
  toConfirm: "Pendiente de su confirmación",
  paidYou: (from, amount) => [`${from} dice que le pagó `, amount],
  confirm: "Confirmar recibido",
  confirmLabel: (amount, from) => `Confirmar recibido: ${amount} de ${from}`,
  owes: (_mine, amount) => `debe ${amount}`,
  owed: (_mine, amount) => `le deben ${amount}`,
  waiting: (amount) => `pagó ${amount}, pendiente de confirmación`,
  settled: "al día",
} satisfies PlanMoneyStrings;
