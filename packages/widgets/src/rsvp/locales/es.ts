import { plural } from "../../base/i18n.js";
import type { RsvpStrings } from "../rsvp.strings.js";

export default {
  loading: "Cargando la invitación…",
  answers: { yes: "Sí", maybe: "Quizás", no: "No" },
  status: {
    invited: "Aún no ha respondido.",
    pending_approval: "Su solicitud espera la aprobación del organizador.",
    confirmed: "Va a asistir.",
    waitlisted: "Está en la lista de espera.",
    maybe: "Respondió quizás.",
    declined: "No va a asistir.",
    rejected: "El organizador rechazó su solicitud.",
  },
  headcount: (going, capacity, maybe) =>
    `${going} ${plural("es", going, { one: "asistente", other: "asistentes" })}${capacity !== null ? ` de ${capacity} ${plural("es", capacity, { one: "plaza", other: "plazas" })}` : ""}${maybe ? ` · ${maybe} quizás` : ""}`,
  hello: (name) => `Hola, ${name}.`,
  waitlistPosition: (n) => `Es el número ${n} de la lista de espera.`,
  closedOn: (when) => `Las respuestas se cerraron el ${when}.`,
  calendar: "Añadir a su calendario",
  ics: "Archivo de calendario (.ics)",
  change: "Cambiar mi respuesta",
  name: "Su nombre",
  email: "Correo electrónico",
  willYouCome: "¿Vendrá?",
  plusOnes: (max) => `Acompañantes (hasta ${max})`,
  plusOneName: (i) => `Nombre del acompañante ${i}`,
  required: (label) => `${label} (obligatorio)`,
  choose: "Elija…",
  register: "Inscribirse",
  askToAttend: "Solicitar asistencia",
  send: "Enviar mi respuesta",
  inviteOnly: "Este evento es solo con invitación: abra el enlace personal de su invitación.",
} satisfies RsvpStrings;
