/**
 * The sentences every widget's state views show (see `GkElement.messages`) and what failures are
 * called. `codes` maps the API's error `code`s to a sentence in this language; English shows the
 * problem's own `detail` instead (the API writes it in English), so its map is empty.
 */
export const BASE_STRINGS = {
  loading: "Loading…",
  empty: "Nothing here yet.",
  retry: "Retry",
  generic: "Something went wrong. Please try again.",
  connection: "Could not reach Gatherkit. Check your connection and try again.",
  unavailable: "Gatherkit is having trouble right now. Please try again in a moment.",
  codes: {} as Readonly<Record<string, string>>,
};
export type BaseStrings = typeof BASE_STRINGS;

/** The non-English tables, each its own chunk. */
export const BASE_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
