export * from "./base/index.js";
export * from "./connection-check/index.js";
export * from "./plan-board/index.js";
export * from "./vote/index.js";
