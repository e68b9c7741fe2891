import type { PlanPeopleStrings } from "../plan-people.strings.js";

export default {
  loading: "Cargando a las personas…",
  heading: (n) => `Personas (${n})`,
  online: "en línea",
  offline: "desconectado",
  you: "Usted",
  organizer: "Organizador",
  removeQuestion: (name) => `¿Quitar a ${name} del plan?`,
  remove: "Quitar",
  removeAsk: "Quitar…",
  cancel: "Cancelar",
  manage: (name) => `Gestionar a ${name}`,
  makeOrganizer: "Hacer organizador",
  makeParticipant: "Hacer participante",
} satisfies PlanPeopleStrings;
