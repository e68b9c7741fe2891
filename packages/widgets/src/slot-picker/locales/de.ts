import type { OwnSlotPickerStrings } from "../slot-picker.strings.js";

export default {
  loadingPlace: "Der Ort wird geladen…",
  notBySlot: (place) => `${place} wird nicht nach Zeitfenstern gebucht.`,
  perSlot: (price, length) => `${price} pro Zeitfenster von ${length}`,
  selected: (day, time) => `Ausgewählt: ${day}, ${time}. Unten buchen.`,
  previousWeek: "Vorherige Woche",
  nextWeek: "Nächste Woche",
  retry: "Erneut versuchen",
  loadingSlots: "Die Zeitfenster werden geladen…",
  closedWeek: "Die ganze Woche geschlossen.",
  noneFree: "Diese Woche gibt es keine freien Zeitfenster.",
  startTime: "Beginn",
  gridHelp: "Pfeiltasten wechseln zwischen Tagen und Uhrzeiten; Eingabe wählt ein freies Zeitfenster.",
  closed: "Geschlossen",
  freeOne: "Frei",
  past: "Vorbei",
} satisfies OwnSlotPickerStrings;
