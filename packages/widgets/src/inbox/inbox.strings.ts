/** Every sentence `<gk-inbox>` shows, in English (other languages: `locales/`). Reword with `el.strings`. */
export const INBOX_STRINGS = {
  loading: "Loading your notifications…",
  heading: "Notifications",
  unread: " unread",
  unreadItem: "Unread: ",
  markAll: "Mark all read",
  markRead: "Mark read",
  open: "Open",
  none: "No notifications yet.",
  older: "Show older",
  arrived: (title: string) => `New notification: ${title}`,
};
export type InboxStrings = typeof INBOX_STRINGS;

export const INBOX_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
