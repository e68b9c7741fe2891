import { plural } from "../../base/i18n.js";
import type { AgendaStrings } from "../agenda.strings.js";

export default {
  loading: "Programm wird geladen…",
  empty: "Noch keine Programmpunkte.",
  agenda: "Programm",
  zone: (zone, eventZone) => `Zeiten in Ihrer Zeitzone (${zone})${eventZone ? `; die Veranstaltung ist in ${eventZone}` : ""}.`,
  full: "Ausgebucht",
  placesLeft: (left, capacity) => `${left} von ${capacity} ${plural("de", capacity, { one: "Platz", other: "Plätzen" })} frei`,
  add: "Zu meinem Programm hinzufügen",
  remove: "Aus meinem Programm entfernen",
} satisfies AgendaStrings;
