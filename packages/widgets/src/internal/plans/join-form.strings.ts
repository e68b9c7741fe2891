/**
 * The invite's join form (`invite` without a `token` on any plan widget), in English; other
 * languages in `locales/join-*.ts`. Loaded with the form, only when a page shows it.
 */
export const JOIN_STRINGS = {
  problems: {
    expired: "This invite link has expired. Ask the organizer for a new one.",
    exhausted: "This invite link has been used as many times as it allows. Ask the organizer for a new one.",
    revoked: "This invite link no longer works. Ask the organizer for a new one.",
  },
  organizedBy: (name: string) => `Organized by ${name}`,
  joined: (n: number) => `${n} ${n === 1 ? "person has" : "people have"} joined`,
  title: (title: string) => `Join “${title}”`,
  name: "Your name",
  email: "Email",
  optional: "(optional)",
  joining: "Joining…",
  join: "Join",
};
export type JoinStrings = typeof JOIN_STRINGS;

export const JOIN_LOCALES = {
  de: () => import("./locales/join-de.js"),
  fr: () => import("./locales/join-fr.js"),
  es: () => import("./locales/join-es.js"),
  ar: () => import("./locales/join-ar.js"),
};
