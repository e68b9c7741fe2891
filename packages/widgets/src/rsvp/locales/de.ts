import { plural } from "../../base/i18n.js";
import type { RsvpStrings } from "../rsvp.strings.js";

export default {
  loading: "Einladung wird geladen…",
  answers: { yes: "Ja", maybe: "Vielleicht", no: "Nein" },
  status: {
    invited: "Sie haben noch nicht geantwortet.",
    pending_approval: "Ihre Anfrage wartet auf die Zustimmung der Veranstalter.",
    confirmed: "Sie sind dabei.",
    waitlisted: "Sie stehen auf der Warteliste.",
    maybe: "Sie haben mit Vielleicht geantwortet.",
    declined: "Sie sind nicht dabei.",
    rejected: "Die Veranstalter haben Ihre Anfrage abgelehnt.",
  },
  headcount: (going, capacity, maybe) =>
    `${going} ${plural("de", going, { one: "Zusage", other: "Zusagen" })}${capacity !== null ? ` bei ${capacity} ${plural("de", capacity, { one: "Platz", other: "Plätzen" })}` : ""}${maybe ? ` · ${maybe} vielleicht` : ""}`,
  hello: (name) => `Hallo ${name}.`,
  waitlistPosition: (n) => `Sie sind Nummer ${n} auf der Warteliste.`,
  closedOn: (when) => `Antworten waren bis ${when} möglich.`,
  calendar: "Zum Kalender hinzufügen",
  ics: "Kalenderdatei (.ics)",
  change: "Meine Antwort ändern",
  name: "Ihr Name",
  email: "E-Mail",
  willYouCome: "Kommen Sie?",
  plusOnes: (max) => `Begleitpersonen (bis zu ${max})`,
  plusOneName: (i) => `Name der Begleitperson ${i}`,
  required: (label) => `${label} (Pflichtfeld)`,
  choose: "Bitte wählen…",
  register: "Anmelden",
  askToAttend: "Teilnahme anfragen",
  send: "Antwort senden",
  inviteOnly: "Diese Veranstaltung ist nur auf Einladung: Öffnen Sie den persönlichen Link aus Ihrer Einladung.",
} satisfies RsvpStrings;
