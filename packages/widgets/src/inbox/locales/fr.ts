import type { InboxStrings } from "../inbox.strings.js";

export default {
  loading: "Chargement de vos notifications…",
  heading: "Notifications",
  unread: " non lues",
  unreadItem: "Non lue : ",
  markAll: "Tout marquer comme lu",
  markRead: "Marquer comme lue",
  open: "Ouvrir",
  none: "Aucune notification pour l’instant.",
  older: "Afficher les plus anciennes",
  arrived: (title) => `Nouvelle notification : ${title}`,
} satisfies InboxStrings;
