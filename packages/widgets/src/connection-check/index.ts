export { type ConnectedDetail, GkConnectionCheck } from "./connection-check.js";
