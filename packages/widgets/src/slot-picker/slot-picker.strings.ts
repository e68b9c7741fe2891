import { PLACES_STRINGS, type PlacesStrings, withPlaces } from "../internal/places/places.strings.js";

/**
 * Every sentence `<gk-slot-picker>` shows, in English (with the booking form's, payment's and
 * confirmation's of `PLACES_STRINGS`). Other languages are in `locales/<lang>.ts`, loaded on demand;
 * a page overrides single sentences with `el.strings = { book: "Reserve" }`.
 */
export const SLOT_PICKER_STRINGS = {
  ...PLACES_STRINGS,
  loadingPlace: "Loading the place…",
  notBySlot: (place: string) => `${place} is not booked by time slot.`,
  perSlot: (price: string, length: string) => `${price} per slot of ${length}`,
  selected: (day: string, time: string) => `Selected: ${day}, ${time}. Book it below.`,
  previousWeek: "Previous week",
  nextWeek: "Next week",
  retry: "Retry",
  loadingSlots: "Loading the slots…",
  closedWeek: "Closed all this week.",
  noneFree: "No free slots this week.",
  startTime: "Start time",
  gridHelp: "Arrow keys move between days and times; Enter selects a free slot.",
  closed: "Closed",
  freeOne: "Free",
  past: "Past",
};
/** A language's table of the widget's own sentences (the shared ones are in `PlacesStrings`). */
export type OwnSlotPickerStrings = Omit<SlotPickerStrings, keyof PlacesStrings>;
export type SlotPickerStrings = typeof SLOT_PICKER_STRINGS;

/** The other languages' tables, each its own chunk (see `locales/`). */
export const SLOT_PICKER_LOCALES = withPlaces<SlotPickerStrings>({
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
});
