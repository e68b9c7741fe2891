import { plural } from "../../base/i18n.js";
import type { RsvpStrings } from "../rsvp.strings.js";

export default {
  loading: "Chargement de l’invitation…",
  answers: { yes: "Oui", maybe: "Peut-être", no: "Non" },
  status: {
    invited: "Vous n’avez pas encore répondu.",
    pending_approval: "Votre demande attend l’accord de l’organisateur.",
    confirmed: "Vous participez.",
    waitlisted: "Vous êtes sur la liste d’attente.",
    maybe: "Vous avez répondu peut-être.",
    declined: "Vous ne participez pas.",
    rejected: "L’organisateur a refusé votre demande.",
  },
  headcount: (going, capacity, maybe) =>
    `${going} ${plural("fr", going, { one: "participant", other: "participants" })}${capacity !== null ? ` sur ${capacity} ${plural("fr", capacity, { one: "place", other: "places" })}` : ""}${maybe ? ` · ${maybe} peut-être` : ""}`,
  hello: (name) => `Bonjour ${name}.`,
  waitlistPosition: (n) => `Vous êtes numéro ${n} sur la liste d’attente.`,
  closedOn: (when) => `Les réponses ont été closes le ${when}.`,
  calendar: "Ajouter à votre agenda",
  ics: "Fichier d’agenda (.ics)",
  change: "Modifier ma réponse",
  name: "Votre nom",
  email: "E-mail",
  willYouCome: "Viendrez-vous ?",
  plusOnes: (max) => `Accompagnants (jusqu’à ${max})`,
  plusOneName: (i) => `Nom de l’accompagnant ${i}`,
  required: (label) => `${label} (obligatoire)`,
  choose: "Choisir…",
  register: "S’inscrire",
  askToAttend: "Demander à participer",
  send: "Envoyer ma réponse",
  inviteOnly: "Cet événement est sur invitation : ouvrez le lien personnel de votre invitation.",
} satisfies RsvpStrings;
