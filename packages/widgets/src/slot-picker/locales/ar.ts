import type { OwnSlotPickerStrings } from "../slot-picker.strings.js";

export default {
  loadingPlace: "جارٍ تحميل المكان…",
  notBySlot: (place) => `لا يُحجز ${place} بفترات زمنية.`,
  perSlot: (price, length) => `${price} لكل فترة مدتها ${length}`,
  selected: (day, time) => `المحدد: ${day}، ${time}. احجزه أدناه.`,
  previousWeek: "الأسبوع السابق",
  nextWeek: "الأسبوع التالي",
  retry: "أعد المحاولة",
  loadingSlots: "جارٍ تحميل الفترات…",
  closedWeek: "مغلق طوال هذا الأسبوع.",
  noneFree: "لا فترات شاغرة هذا الأسبوع.",
  startTime: "وقت البدء",
  gridHelp: "تنقّل مفاتيح الأسهم بين الأيام والأوقات؛ ويختار مفتاح الإدخال فترة شاغرة.",
  closed: "مغلق",
  freeOne: "شاغر",
  past: "انقضى",
} satisfies OwnSlotPickerStrings;
