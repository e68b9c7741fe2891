import { plural } from "../../../base/i18n.js";
import type { PlanStrings } from "../plans.strings.js";

const STATUS = { planning: "en préparation", finalized: "arrêté", completed: "terminé", cancelled: "annulé" };

export default {
  loadingPlan: "Chargement du projet…",
  loadingVote: "Chargement du vote…",
  nothingToVote: "Rien à voter pour l’instant.",
  selected: "Retenu",
  revoked: "Vous ne faites plus partie de ce projet.",
  status: { planning: "En préparation", finalized: "Arrêté", completed: "Terminé", cancelled: "Annulé" },
  type: { trip: "Voyage", event: "Événement", purchase: "Achat groupé" },
  votes: { yes: "Oui", maybe: "Peut-être", no: "Non" },
  votingCloses: (when, countdown) => ["Le vote se termine le ", when, ` (${countdown}).`],
  votingOpen: "Le vote est ouvert jusqu’à ce que les organisateurs arrêtent le projet.",
  closedDeadline: (when) => ["Le vote est clos : l’échéance (", when, ") est passée."],
  closedStatus: (status) => `Le vote est clos : le projet est ${STATUS[status as keyof typeof STATUS] ?? status}.`,
  hiddenResults: "Les résultats s’affichent après l’échéance.",
  votesSoFar: (n) => `${n} ${plural("fr", n, { one: "vote", other: "votes" })} pour l’instant.`,
  tally: "Votes pour l’instant",
  yourVote: "Votre vote",
  on: (title) => ` sur ${title}`,
} satisfies PlanStrings;
