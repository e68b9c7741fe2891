import type { InboxStrings } from "../inbox.strings.js";

export default {
  loading: "Benachrichtigungen werden geladen…",
  heading: "Benachrichtigungen",
  unread: " ungelesen",
  unreadItem: "Ungelesen: ",
  markAll: "Alle als gelesen markieren",
  markRead: "Als gelesen markieren",
  open: "Öffnen",
  none: "Noch keine Benachrichtigungen.",
  older: "Ältere anzeigen",
  arrived: (title) => `Neue Benachrichtigung: ${title}`,
} satisfies InboxStrings;
