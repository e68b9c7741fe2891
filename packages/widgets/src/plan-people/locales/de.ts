import type { PlanPeopleStrings } from "../plan-people.strings.js";

export default {
  loading: "Personen werden geladen…",
  heading: (n) => `Personen (${n})`,
  online: "online",
  offline: "offline",
  you: "Sie",
  organizer: "Organisator",
  removeQuestion: (name) => `${name} aus dem Plan entfernen?`,
  remove: "Entfernen",
  removeAsk: "Entfernen…",
  cancel: "Abbrechen",
  manage: (name) => `${name} verwalten`,
  makeOrganizer: "Zum Organisator machen",
  makeParticipant: "Zum Teilnehmer machen",
} satisfies PlanPeopleStrings;
