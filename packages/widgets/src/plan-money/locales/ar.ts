import type { PlanMoneyStrings } from "../plan-money.strings.js";

export default {
  loading: "جارٍ تحميل من يدين لمن…",
  heading: "من يدين لمن",
  nobody: "لا أحد مدين بشيء بعد.",
  settleUp: "للتسوية",
  allSettled: "تمت تسوية كل الحسابات.",
  balances: "الأرصدة",
  you: "أنت",
  transfer: (from, to, amount) => [`من ${from ?? "أنت"} إلى ${to ?? "أنت"}: `, amount],
  markPaid: "تعليم كمدفوع",
  markPaidLabel: (amount, to) => `تعليم كمدفوع: ${amount} إلى ${to}`,
  toConfirm: "بانتظار تأكيدك",
  paidYou: (from, amount) => [`يقول ${from} إنه دفع لك `, amount],
  confirm: "تأكيد الاستلام",
  confirmLabel: (amount, from) => `تأكيد الاستلام: ${amount} من ${from}`,
  owes: (_mine, amount) => `عليه ${amount}`,
  owed: (_mine, amount) => `له ${amount}`,
  waiting: (amount) => `دفع ${amount}، بانتظار التأكيد`,
  settled: "مسوّى",
} satisfies PlanMoneyStrings;
