import { plural } from "../../../base/i18n.js";
import type { StripePayStrings } from "../../payments/stripe-pay.strings.js";
import type { PlacesStrings } from "../places.strings.js";

export default {
  bookTitle: (place) => `احجز ${place}`,
  name: "الاسم",
  email: "البريد الإلكتروني",
  phone: "الهاتف",
  phoneHint: "مع رمز البلد، مثل +20 لمصر.",
  plate: "لوحة المركبة",
  book: "احجز",
  booking: "جارٍ الحجز…",
  cancel: "إلغاء",
  booked: (place) => `تم الحجز: ${place}`,
  when: "الموعد",
  price: "السعر",
  reference: "المرجع",
  done: "تم",
  payTitle: (place) => `ادفع للتأكيد: ${place}`,
  heldUntil: (time) => `مكانك محجوز حتى ${time}.`,
  held: "مكانك محجوز أثناء الدفع.",
  referenceIs: (id) => `المرجع ${id}.`,
  newTab: " (يُفتح في علامة تبويب جديدة)",
  payHere: "أكمل الدفع في هذه الصفحة.",
  checking: "جارٍ التحقق…",
  paid: "لقد دفعت",
  notArrived: "لم يصل الدفع بعد: ادفع في صفحة الدفع ثم حاول مجددًا.",
  holdEnded: "انتهى الحجز المؤقت قبل وصول الدفع: احجز مجددًا.",
  free: (n) => (n > 0 ? `${n} ${plural("ar", n, { one: "متاح", two: "متاحان", few: "متاحة", many: "متاحًا", other: "متاح" })}` : "ممتلئ"),
  full: "ممتلئ",
  reviews: (n) => `${n} ${plural("ar", n, { one: "مراجعة", two: "مراجعتان", few: "مراجعات", many: "مراجعة", other: "مراجعة" })}`,
} satisfies Omit<PlacesStrings, keyof StripePayStrings>;
