import type { Invitation } from "@gatherkit/sdk";

/** Every sentence `<gk-rsvp>` shows, in English (other languages: `locales/`). Reword with `el.strings`. */
export const RSVP_STRINGS = {
  loading: "Loading the invitation…",
  answers: { yes: "Yes", maybe: "Maybe", no: "No" },
  status: {
    invited: "You have not answered yet.",
    pending_approval: "Your request is waiting for the organizer's approval.",
    confirmed: "You're going.",
    waitlisted: "You're on the waitlist.",
    maybe: "You answered maybe.",
    declined: "You're not going.",
    rejected: "The organizer declined your request.",
  } as Record<Invitation["guest"]["status"], string>,
  headcount: (going: number, capacity: number | null, maybe: number) =>
    `${going} going${capacity !== null ? ` of ${capacity} places` : ""}${maybe ? ` · ${maybe} maybe` : ""}`,
  hello: (name: string) => `Hello ${name}.`,
  waitlistPosition: (n: number) => `You are number ${n} on the waitlist.`,
  closedOn: (when: string) => `Answers closed on ${when}.`,
  calendar: "Add to your calendar",
  ics: "Calendar file (.ics)",
  change: "Change my answer",
  name: "Your name",
  email: "Email",
  willYouCome: "Will you come?",
  plusOnes: (max: number) => `Plus-ones (up to ${max})`,
  plusOneName: (i: number) => `Name of plus-one ${i}`,
  required: (label: string) => `${label} (required)`,
  choose: "Choose…",
  register: "Register",
  askToAttend: "Ask to attend",
  send: "Send my answer",
  inviteOnly: "This event is by invitation only: open the personal link from your invitation.",
};
export type RsvpStrings = typeof RSVP_STRINGS;

export const RSVP_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
