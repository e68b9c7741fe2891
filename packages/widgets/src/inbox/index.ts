export { GkInbox, INBOX_STRINGS, type InboxReadDetail, type InboxStrings } from "./inbox.js";
