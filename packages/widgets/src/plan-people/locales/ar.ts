import type { PlanPeopleStrings } from "../plan-people.strings.js";

export default {
  loading: "جارٍ تحميل الأشخاص…",
  heading: (n) => `الأشخاص (${n})`,
  online: "متصل",
  offline: "غير متصل",
  you: "أنت",
  organizer: "منظّم",
  removeQuestion: (name) => `هل تريد إزالة ${name} من الخطة؟`,
  remove: "إزالة",
  removeAsk: "إزالة…",
  cancel: "إلغاء",
  manage: (name) => `إدارة ${name}`,
  makeOrganizer: "اجعله منظّمًا",
  makeParticipant: "اجعله مشاركًا",
} satisfies PlanPeopleStrings;
