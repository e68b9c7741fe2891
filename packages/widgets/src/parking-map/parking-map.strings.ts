import { plural } from "../base/i18n.js";
import { PLACES_STRINGS, type PlacesStrings, withPlaces } from "../internal/places/places.strings.js";

const places = (n: number) => `${n} ${plural("en", n, { one: "place", other: "places" })}`;

/**
 * Every sentence `<gk-parking-map>` shows, in English (with the booking form's, payment's and
 * confirmation's of `PLACES_STRINGS`). Other languages are in `locales/<lang>.ts`, loaded on demand;
 * a page overrides single sentences with `el.strings = { showPlaces: "Search" }`.
 */
export const PARKING_MAP_STRINGS = {
  ...PLACES_STRINGS,
  mapLabel: "Map of the places (the list has the same places)",
  mapFailed: "The map could not load; every place is in the list.",
  searching: "Looking for places…",
  none: "No places here.",
  found: (n: number) => `${places(n)} found.`,
  window: "Time window",
  from: "From",
  for: "For",
  filters: (on: number) => (on ? `Filters (${on} on)` : "Filters"),
  kind: "Kind",
  any: "Any",
  kinds: { parking: "Parking", venue: "Venue", room: "Room", desk: "Desk", other: "Other" } as Record<string, string>,
  sortBy: "Sort by",
  sorts: { distance: "Distance", price: "Price" } as Record<string, string>,
  maxPrice: "Max price",
  maxPriceHint: "For the whole window, in the place's currency.",
  onlyFree: "Only places with a free spot",
  hasAll: "Has all of",
  features: {
    covered: "Covered",
    cctv: "CCTV",
    ev_charging: "EV charging",
    accessible: "Accessible",
    height_limit: "Height limit",
    open_24_7: "Open 24/7",
    staffed: "Staffed",
    bike_parking: "Bike parking",
    wifi: "Wi-Fi",
    projector: "Projector",
    kitchen: "Kitchen",
    outdoor: "Outdoor",
  } as Record<string, string>,
  showPlaces: "Show places",
  noMatch: "No places match the filters.",
  placesLabel: "Places",
  summary: (n: number, km: string, window: string) => `${places(n)} within ${km}, ${window}`,
  rated: (average: string, reviews: string) => `Rated ${average} of 5 (${reviews})`,
  freeOf: (free: number, capacity: number) => `${free} of ${capacity} free`,
  priceFor: (price: string, duration: string) => `${price} for ${duration}`,
  notBookable: "Not bookable for this window",
  details: "Photos and reviews",
  detailsOf: (place: string) => ` of ${place}`,
  photo: (i: number, place: string) => `Photo ${i} of ${place}`,
  loadingReviews: "Loading reviews…",
  reviewsFailed: "The reviews could not load.",
  noReviews: "No reviews yet.",
  reviewsOf: (place: string) => `Reviews of ${place}`,
  stars: (n: number) => `${n} of 5`,
  reply: (place: string, text: string) => `Reply from ${place}: ${text}`,
};
/** A language's table of the widget's own sentences (the shared ones are in `PlacesStrings`). */
export type OwnParkingMapStrings = Omit<ParkingMapStrings, keyof PlacesStrings>;
export type ParkingMapStrings = typeof PARKING_MAP_STRINGS;

/** The other languages' tables, each its own chunk (see `locales/`). */
export const PARKING_MAP_LOCALES = withPlaces<ParkingMapStrings>({
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
});
