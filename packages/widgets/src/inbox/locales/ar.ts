import type { InboxStrings } from "../inbox.strings.js";

export default {
  loading: "جارٍ تحميل إشعاراتك…",
  heading: "الإشعارات",
  unread: " غير مقروءة",
  unreadItem: "غير مقروء: ",
  markAll: "تعليم الكل كمقروء",
  markRead: "تعليم كمقروء",
  open: "فتح",
  none: "لا توجد إشعارات بعد.",
  older: "عرض الأقدم",
  arrived: (title) => `إشعار جديد: ${title}`,
} satisfies InboxStrings;
