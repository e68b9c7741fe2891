import type { OwnSlotPickerStrings } from "../slot-picker.strings.js";

export default {
  loadingPlace: "Chargement du lieu…",
  notBySlot: (place) => `${place} ne se réserve pas par créneau.`,
  perSlot: (price, length) => `${price} par créneau de ${length}`,
  selected: (day, time) => `Sélectionné : ${day}, ${time}. Réservez-le ci-dessous.`,
  previousWeek: "Semaine précédente",
  nextWeek: "Semaine suivante",
  retry: "Réessayer",
  loadingSlots: "Chargement des créneaux…",
  closedWeek: "Fermé toute la semaine.",
  noneFree: "Aucun créneau libre cette semaine.",
  startTime: "Début",
  gridHelp: "Les flèches passent d’un jour et d’une heure à l’autre ; Entrée choisit un créneau libre.",
  closed: "Fermé",
  freeOne: "Libre",
  past: "Passé",
} satisfies OwnSlotPickerStrings;
