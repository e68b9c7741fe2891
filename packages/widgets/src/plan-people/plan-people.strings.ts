/** Every sentence `<gk-plan-people>` shows, in English (other languages: `locales/`). Reword with `el.strings`. */
export const PLAN_PEOPLE_STRINGS = {
  loading: "Loading the people…",
  heading: (n: number) => `People (${n})`,
  online: "online",
  offline: "offline",
  you: "You",
  organizer: "Organizer",
  removeQuestion: (name: string) => `Remove ${name} from the plan?`,
  remove: "Remove",
  removeAsk: "Remove…",
  cancel: "Cancel",
  manage: (name: string) => `Manage ${name}`,
  makeOrganizer: "Make organizer",
  makeParticipant: "Make participant",
};
export type PlanPeopleStrings = typeof PLAN_PEOPLE_STRINGS;

export const PLAN_PEOPLE_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
