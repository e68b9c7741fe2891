export { GkAgenda } from "./agenda.js";
