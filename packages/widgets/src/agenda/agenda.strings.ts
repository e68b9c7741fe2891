/** Every sentence `<gk-agenda>` shows, in English (other languages: `locales/`). Reword with `el.strings`. */
export const AGENDA_STRINGS = {
  loading: "Loading the agenda…",
  empty: "No sessions yet.",
  agenda: "Agenda",
  zone: (zone: string, eventZone: string | null) =>
    `Times in your time zone (${zone})${eventZone ? `; the event is in ${eventZone}` : ""}.`,
  full: "Full",
  placesLeft: (left: number, capacity: number) => `${left} of ${capacity} places left`,
  add: "Add to my agenda",
  remove: "Remove from my agenda",
};
export type AgendaStrings = typeof AGENDA_STRINGS;

export const AGENDA_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
