/** Every sentence `<gk-connection-check>` shows, in English (other languages: `locales/`). Reword with `el.strings`. */
export const CONNECTION_CHECK_STRINGS = {
  loading: "Checking the connection to Gatherkit…",
  loaded: "Connected to Gatherkit.",
  connected: (origin: string) => `Connected to Gatherkit from ${origin}.`,
  api: (version: string, runtime: string) => `API ${version} (${runtime})`,
};
export type ConnectionCheckStrings = typeof CONNECTION_CHECK_STRINGS;

export const CONNECTION_CHECK_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
