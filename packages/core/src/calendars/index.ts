export { CALENDAR_ERROR_CODES } from "./errors.js";
export * from "./schemas.js";
