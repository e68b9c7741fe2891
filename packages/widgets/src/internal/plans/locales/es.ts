import { plural } from "../../../base/i18n.js";
import type { PlanStrings } from "../plans.strings.js";

const STATUS = { planning: "en preparación", finalized: "cerrado", completed: "terminado", cancelled: "cancelado" };

export default {
  loadingPlan: "Cargando el plan…",
  loadingVote: "Cargando la votación…",
  nothingToVote: "Aún no hay nada que votar.",
  selected: "Elegida",
  revoked: "Ya no forma parte de este plan.",
  status: { planning: "En preparación", finalized: "Cerrado", completed: "Terminado", cancelled: "Cancelado" },
  type: { trip: "Viaje", event: "Evento", purchase: "Compra en grupo" },
  votes: { yes: "Sí", maybe: "Quizás", no: "No" },
  votingCloses: (when, countdown) => ["La votación termina el ", when, ` (${countdown}).`],
  votingOpen: "La votación está abierta hasta que los organizadores cierren el plan.",
  closedDeadline: (when) => ["La votación está cerrada: el plazo (", when, ") ha pasado."],
  closedStatus: (status) => `La votación está cerrada: el plan está ${STATUS[status as keyof typeof STATUS] ?? status}.`,
  hiddenResults: "Los resultados aparecen tras el plazo.",
  votesSoFar: (n) => `${n} ${plural("es", n, { one: "voto", other: "votos" })} hasta ahora.`,
  tally: "Votos hasta ahora",
  yourVote: "Su voto",
  on: (title) => ` sobre ${title}`,
} satisfies PlanStrings;
