import type { BaseStrings } from "../base.strings.js";

// Arabic: the right-to-left table (layout is tested with it); codes fall back to the generic sentence.
export default {
  loading: "جارٍ التحميل…",
  empty: "لا يوجد شيء هنا بعد.",
  retry: "أعد المحاولة",
  generic: "حدث خطأ ما. يرجى المحاولة مرة أخرى.",
  connection: "تعذّر الوصول إلى Gatherkit. تحقّق من اتصالك وحاول مرة أخرى.",
  unavailable: "يواجه Gatherkit مشكلة الآن. يرجى المحاولة بعد قليل.",
  codes: {},
} satisfies BaseStrings;
