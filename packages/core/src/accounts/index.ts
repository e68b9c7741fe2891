export { ACCOUNTS_ERROR_CODES } from "./errors.js";
export * from "./schemas.js";
