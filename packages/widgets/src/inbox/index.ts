export { GkInbox, type InboxReadDetail } from "./inbox.js";
