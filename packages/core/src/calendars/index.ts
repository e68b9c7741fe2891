export { CALENDAR_ERROR_CODES } from "./errors.js";
export { type IcsCalendar, type IcsEvent, type IcsPerson, icsEventLines, icsUtc, writeIcs } from "./ics-writer.js";
export * from "./schemas.js";
