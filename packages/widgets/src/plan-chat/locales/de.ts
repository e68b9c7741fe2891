import type { PlanChatStrings } from "../plan-chat.strings.js";

const list = (names: string[]) => new Intl.ListFormat("de", { type: "conjunction" }).format(names);

export default {
  loading: "Chat wird geladen…",
  heading: "Chat",
  none: "Noch keine Nachrichten.",
  message: "Nachricht",
  send: "Senden",
  cancelled: "Dieser Plan wurde abgesagt.",
  deleted: "Nachricht gelöscht.",
  editLabel: "Ihre Nachricht bearbeiten",
  save: "Speichern",
  cancel: "Abbrechen",
  edited: "(bearbeitet)",
  you: "Sie",
  actionsOf: (mine, author, when) => `${mine ? "Ihre Nachricht" : `Nachricht von ${author}`} am ${when}`,
  edit: "Bearbeiten",
  del: "Löschen",
  typing: (names) =>
    names.length > 2 ? `${names.length} Personen schreiben…` : `${list(names)} ${names.length === 1 ? "schreibt" : "schreiben"}…`,
} satisfies PlanChatStrings;
