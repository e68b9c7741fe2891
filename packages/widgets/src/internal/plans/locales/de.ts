import { plural } from "../../../base/i18n.js";
import type { PlanStrings } from "../plans.strings.js";

const STATUS = { planning: "in Planung", finalized: "festgelegt", completed: "abgeschlossen", cancelled: "abgesagt" };

export default {
  loadingPlan: "Plan wird geladen…",
  loadingVote: "Abstimmung wird geladen…",
  nothingToVote: "Noch nichts zum Abstimmen.",
  selected: "Ausgewählt",
  revoked: "Sie sind nicht mehr Teil dieses Plans.",
  status: { planning: "In Planung", finalized: "Festgelegt", completed: "Abgeschlossen", cancelled: "Abgesagt" },
  type: { trip: "Reise", event: "Veranstaltung", purchase: "Gemeinsamer Einkauf" },
  votes: { yes: "Ja", maybe: "Vielleicht", no: "Nein" },
  votingCloses: (when, countdown) => ["Die Abstimmung endet am ", when, ` (${countdown}).`],
  votingOpen: "Die Abstimmung ist offen, bis die Organisatoren den Plan festlegen.",
  closedDeadline: (when) => ["Die Abstimmung ist beendet: Die Frist (", when, ") ist abgelaufen."],
  closedStatus: (status) => `Die Abstimmung ist beendet: Der Plan ist ${STATUS[status as keyof typeof STATUS] ?? status}.`,
  hiddenResults: "Ergebnisse erscheinen nach Ablauf der Frist.",
  votesSoFar: (n) => `Bisher ${n} ${plural("de", n, { one: "Stimme", other: "Stimmen" })}.`,
  tally: "Bisherige Stimmen",
  yourVote: "Ihre Stimme",
  on: (title) => ` zu ${title}`,
} satisfies PlanStrings;
