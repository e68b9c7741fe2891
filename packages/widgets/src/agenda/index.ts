export { AGENDA_STRINGS, type AgendaStrings, GkAgenda } from "./agenda.js";
