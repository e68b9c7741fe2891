import type { PlanChatStrings } from "../plan-chat.strings.js";

const list = (names: string[]) => new Intl.ListFormat("es", { type: "conjunction" }).format(names);

export default {
  loading: "Cargando el chat…",
  heading: "Chat",
  none: "Aún no hay mensajes.",
  message: "Mensaje",
  send: "Enviar",
  cancelled: "Este plan se canceló.",
  deleted: "Mensaje eliminado.",
  editLabel: "Editar su mensaje",
  save: "Guardar",
  cancel: "Cancelar",
  edited: "(editado)",
  you: "Usted",
  actionsOf: (mine, author, when) => `${mine ? "Su mensaje" : `Mensaje de ${author}`} del ${when}`,
  edit: "Editar",
  del: "Eliminar",
  typing: (names) =>
    names.length > 2
      ? `${names.length} personas están escribiendo…`
      : `${list(names)} ${names.length === 1 ? "está" : "están"} escribiendo…`,
} satisfies PlanChatStrings;
