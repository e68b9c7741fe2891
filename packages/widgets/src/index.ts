export * from "./base/index.js";
export * from "./connection-check/index.js";
