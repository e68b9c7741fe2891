/** Every sentence `<gk-plan-chat>` shows, in English (other languages: `locales/`). Reword with `el.strings`. */
export const PLAN_CHAT_STRINGS = {
  loading: "Loading the chat…",
  heading: "Chat",
  none: "No messages yet.",
  message: "Message",
  send: "Send",
  cancelled: "This plan was cancelled.",
  deleted: "Message deleted.",
  editLabel: "Edit your message",
  save: "Save",
  cancel: "Cancel",
  edited: "(edited)",
  you: "You",
  actionsOf: (mine: boolean, author: string, when: string) => `${mine ? "Your message" : `Message from ${author}`} at ${when}`,
  edit: "Edit",
  del: "Delete",
  /** "Ana is typing…", "Ana and Ben are typing…", "3 people are typing…". */
  typing: (names: string[]) =>
    names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2
        ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`,
};
export type PlanChatStrings = typeof PLAN_CHAT_STRINGS;

export const PLAN_CHAT_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
