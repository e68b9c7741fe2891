import { plural } from "../../base/i18n.js";
import type { AgendaStrings } from "../agenda.strings.js";

export default {
  loading: "Chargement du programme…",
  empty: "Aucune session pour l’instant.",
  agenda: "Programme",
  zone: (zone, eventZone) => `Heures dans votre fuseau horaire (${zone})${eventZone ? ` ; l’événement est en ${eventZone}` : ""}.`,
  full: "Complet",
  placesLeft: (left, capacity) => `${left} ${plural("fr", left, { one: "place restante", other: "places restantes" })} sur ${capacity}`,
  add: "Ajouter à mon programme",
  remove: "Retirer de mon programme",
} satisfies AgendaStrings;
