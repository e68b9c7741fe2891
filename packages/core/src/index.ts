export * from "./accounts.js";
export * from "./errors.js";
export * from "./health.js";
export * from "./ids.js";
export * from "./pagination.js";
export * from "./realtime.js";
export { z } from "./zod.js";
