import type { AgendaStrings } from "../agenda.strings.js";

export default {
  loading: "جارٍ تحميل البرنامج…",
  empty: "لا توجد جلسات بعد.",
  agenda: "البرنامج",
  zone: (zone, eventZone) => `الأوقات بمنطقتك الزمنية (${zone})${eventZone ? `؛ الفعالية في ${eventZone}` : ""}.`,
  full: "مكتمل",
  placesLeft: (left, capacity) => `الأماكن المتبقية: ${left} من ${capacity}`,
  add: "أضف إلى برنامجي",
  remove: "احذف من برنامجي",
} satisfies AgendaStrings;
