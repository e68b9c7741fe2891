export { CONNECTION_CHECK_STRINGS, type ConnectedDetail, type ConnectionCheckStrings, GkConnectionCheck } from "./connection-check.js";
