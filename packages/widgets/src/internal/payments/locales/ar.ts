import type { StripePayStrings } from "../stripe-pay.strings.js";

export default {
  payment: "الدفع",
  payLoading: "جارٍ تحميل نموذج الدفع الآمن…",
  paying: "جارٍ معالجة الدفع… إذا طلب منك المصرف تأكيده، فاتبع خطواته.",
  payWaiting: "أُرسل الدفع. بانتظار التأكيد…",
  payFailed: (error) => `تعذّر تحميل نموذج الدفع (${error}). حاول لاحقًا.`,
  declined: "رُفض الدفع. جرّب بطاقة أو وسيلة دفع أخرى.",
  bankAsks: "يطلب منك المصرف تأكيد هذا الدفع.",
  confirmBank: "التأكيد لدى المصرف",
  pay: (amount) => `ادفع ${amount}`,
  payAgain: (amount) => `حاول مجددًا: ادفع ${amount}`,
} satisfies StripePayStrings;
