import type { InboxStrings } from "../inbox.strings.js";

export default {
  loading: "Cargando sus notificaciones…",
  heading: "Notificaciones",
  unread: " sin leer",
  unreadItem: "Sin leer: ",
  markAll: "Marcar todo como leído",
  markRead: "Marcar como leída",
  open: "Abrir",
  none: "Aún no hay notificaciones.",
  older: "Mostrar anteriores",
  arrived: (title) => `Nueva notificación: ${title}`,
} satisfies InboxStrings;
