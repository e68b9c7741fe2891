export * from "./codes.js";
export { EVENT_ERROR_CODES } from "./errors.js";
export * from "./guests.js";
export * from "./lifecycle.js";
export * from "./messages.js";
export * from "./schemas.js";
export * from "./sessions.js";
export * from "./ticketing.js";
