export { CALENDAR_ERROR_CODES } from "./errors.js";
export {
  escapeIcsText,
  foldIcsLine,
  ICS_CONTENT_TYPE,
  type IcsCalendar,
  type IcsEvent,
  type IcsPerson,
  type IcsTime,
  icsEventLines,
  icsSequence,
  icsUtc,
  isIcsTimeZone,
  writeIcs,
} from "./ics-writer.js";
export * from "./schemas.js";
