import { plural } from "../../base/i18n.js";
import type { AgendaStrings } from "../agenda.strings.js";

export default {
  loading: "Cargando el programa…",
  empty: "Aún no hay sesiones.",
  agenda: "Programa",
  zone: (zone, eventZone) => `Horas en su zona horaria (${zone})${eventZone ? `; el evento es en ${eventZone}` : ""}.`,
  full: "Completo",
  placesLeft: (left, capacity) =>
    `${plural("es", left, { one: "Queda", other: "Quedan" })} ${left} de ${capacity} ${plural("es", capacity, { one: "plaza", other: "plazas" })}`,
  add: "Añadir a mi programa",
  remove: "Quitar de mi programa",
} satisfies AgendaStrings;
