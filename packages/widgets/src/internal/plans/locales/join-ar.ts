import type { JoinStrings } from "../join-form.strings.js";

export default {
  problems: {
    expired: "انتهت صلاحية رابط الدعوة هذا. اطلب رابطًا جديدًا من المنظّم.",
    exhausted: "استُخدم رابط الدعوة هذا بالعدد المسموح به. اطلب رابطًا جديدًا من المنظّم.",
    revoked: "لم يعد رابط الدعوة هذا يعمل. اطلب رابطًا جديدًا من المنظّم.",
  },
  organizedBy: (name) => `ينظّمها ${name}`,
  joined: (n) => `انضم حتى الآن: ${n}`,
  title: (title) => `انضم إلى «${title}»`,
  name: "اسمك",
  email: "البريد الإلكتروني",
  optional: "(اختياري)",
  joining: "جارٍ الانضمام…",
  join: "انضم",
} satisfies JoinStrings;
