import type { PlanStrings } from "../plans.strings.js";

const STATUS = { planning: "قيد التخطيط", finalized: "نهائية", completed: "مكتملة", cancelled: "ملغاة" };

export default {
  loadingPlan: "جارٍ تحميل الخطة…",
  loadingVote: "جارٍ تحميل التصويت…",
  nothingToVote: "لا يوجد ما يُصوَّت عليه بعد.",
  selected: "مختار",
  revoked: "لم تعد مشاركًا في هذه الخطة.",
  status: { planning: "قيد التخطيط", finalized: "نهائية", completed: "مكتملة", cancelled: "ملغاة" },
  type: { trip: "رحلة", event: "فعالية", purchase: "شراء جماعي" },
  votes: { yes: "نعم", maybe: "ربما", no: "لا" },
  votingCloses: (when, countdown) => ["ينتهي التصويت في ", when, ` (${countdown}).`],
  votingOpen: "التصويت مفتوح حتى يعتمد المنظمون الخطة.",
  closedDeadline: (when) => ["التصويت مغلق: انقضى الموعد النهائي (", when, ")."],
  closedStatus: (status) => `التصويت مغلق: الخطة ${STATUS[status as keyof typeof STATUS] ?? status}.`,
  hiddenResults: "تظهر النتائج بعد الموعد النهائي.",
  votesSoFar: (n) => `عدد الأصوات حتى الآن: ${n}.`,
  tally: "الأصوات حتى الآن",
  yourVote: "صوتك",
  on: (title) => ` على ${title}`,
} satisfies PlanStrings;
