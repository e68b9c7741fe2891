import type { PlanPeopleStrings } from "../plan-people.strings.js";

export default {
  loading: "Chargement des participants…",
  heading: (n) => `Participants (${n})`,
  online: "en ligne",
  offline: "hors ligne",
  you: "Vous",
  organizer: "Organisateur",
  removeQuestion: (name) => `Retirer ${name} du projet ?`,
  remove: "Retirer",
  removeAsk: "Retirer…",
  cancel: "Annuler",
  manage: (name) => `Gérer ${name}`,
  makeOrganizer: "Nommer organisateur",
  makeParticipant: "Rendre participant",
} satisfies PlanPeopleStrings;
