// The plans contract: zod schemas registered as OpenAPI components, one file per sub-resource.
export * from "./activity.js";
export * from "./chat.js";
export * from "./costs.js";
export * from "./invites.js";
export * from "./participants.js";
export * from "./plans.js";
export * from "./proposals.js";
// shared.ts also holds field types for the files above; only these two are public.
export { DECIMAL_SCALE, toScaled } from "./shared.js";
