import type { PlanChatStrings } from "../plan-chat.strings.js";

const list = (names: string[]) => new Intl.ListFormat("ar", { type: "conjunction" }).format(names);

export default {
  loading: "جارٍ تحميل المحادثة…",
  heading: "المحادثة",
  none: "لا توجد رسائل بعد.",
  message: "رسالة",
  send: "إرسال",
  cancelled: "أُلغيت هذه الخطة.",
  deleted: "حُذفت الرسالة.",
  editLabel: "عدّل رسالتك",
  save: "حفظ",
  cancel: "إلغاء",
  edited: "(معدّلة)",
  you: "أنت",
  actionsOf: (mine, author, when) => `${mine ? "رسالتك" : `رسالة من ${author}`} في ${when}`,
  edit: "تعديل",
  del: "حذف",
  typing: (names) => (names.length > 2 ? `يكتب الآن: ${names.length} أشخاص…` : `يكتب الآن: ${list(names)}…`),
} satisfies PlanChatStrings;
