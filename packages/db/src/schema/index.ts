// The drizzle schema, one file per domain; drizzle-kit reads this file (drizzle.config.ts).
export * from "./accounts.js";
export * from "./calendars.js";
export * from "./events.js";
export * from "./guests.js";
export * from "./notifications.js";
export * from "./places.js";
export * from "./plans.js";
export * from "./platform.js";
export * from "./uploads.js";
export * from "./webhooks.js";
