import type { PlanChatStrings } from "../plan-chat.strings.js";

const list = (names: string[]) => new Intl.ListFormat("fr", { type: "conjunction" }).format(names);

export default {
  loading: "Chargement de la discussion…",
  heading: "Discussion",
  none: "Aucun message pour l’instant.",
  message: "Message",
  send: "Envoyer",
  cancelled: "Ce projet a été annulé.",
  deleted: "Message supprimé.",
  editLabel: "Modifier votre message",
  save: "Enregistrer",
  cancel: "Annuler",
  edited: "(modifié)",
  you: "Vous",
  actionsOf: (mine, author, when) => `${mine ? "Votre message" : `Message de ${author}`} du ${when}`,
  edit: "Modifier",
  del: "Supprimer",
  typing: (names) =>
    names.length > 2 ? `${names.length} personnes écrivent…` : `${list(names)} ${names.length === 1 ? "écrit" : "écrivent"}…`,
} satisfies PlanChatStrings;
