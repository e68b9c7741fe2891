export * from "./bookings.js";
export { PLACE_ERROR_CODES } from "./errors.js";
export * from "./events.js";
export * from "./reviews.js";
export * from "./rules.js";
export * from "./schemas.js";
export { isoDay, zonedInstant, zoneOffset } from "./zoned.js";
