/**
 * Every sentence `<gk-plan-proposals>` shows (with its propose form), in English; other languages
 * in `locales/`, loaded on demand. Reword with `el.strings`. The vote control and deadline are the
 * plan widgets' shared `PLAN_STRINGS`.
 */
export const PLAN_PROPOSALS_STRINGS = {
  loading: "Loading the proposals…",
  itinerary: "Itinerary",
  nothingSelected: "Nothing was selected.",
  addToCalendar: "Add to calendar",
  feedOf: (title: string) => ` (iCalendar feed of ${title})`,
  proposals: "Proposals",
  none: "No proposals yet.",
  finalizeAsk: "Finalize the plan…",
  finalizeQuestion: (selected: number) =>
    `Finalize with ${selected ? `the ${selected === 1 ? "proposal" : `${selected} proposals`} marked Selected` : "the top-voted proposal"}? Voting closes and the itinerary is fixed.`,
  finalizing: "Finalizing…",
  finalize: "Finalize",
  cancel: "Cancel",
  cost: (amount: string, perPerson: boolean) => `${amount} ${perPerson ? "per person" : "in total"}`,
  details: "Details",
  detailsOf: (title: string) => ` of ${title} (opens a new tab)`,
  photo: (n: number, title: string) => `Photo ${n} of ${title}`,
  selected: "Selected",
  rejected: "Rejected",
  decideOn: (title: string) => `Decide on ${title}`,
  select: "Select",
  reject: "Reject",
  reopen: "Reopen",
  placesTaken: (taken: number, capacity: number) => `${taken} of ${capacity} places taken`,
  full: "Full",
  youHaveAPlace: "You have a place",
  giveUpIn: (title: string) => `Give up my place in ${title}`,
  takeIn: (title: string) => `Take a place in ${title}`,
  giveUp: "Give up my place",
  take: "Take a place",
  propose: "Propose something",
  title: "Title",
  description: "Description",
  optional: "(optional)",
  starts: "Starts",
  startsHint: (zone: string) => `(optional, ${zone} time)`,
  ends: "Ends",
  costIn: (currency: string) => `Cost in ${currency}`,
  costIs: "Cost is",
  perPerson: "per person",
  totalShared: "in total, shared",
  link: "Link",
  adding: "Adding…",
  add: "Add proposal",
  added: (title: string) => `Added “${title}”.`,
  costInvalid: (currency: string) => `Enter the cost as an amount in ${currency}, such as 12.50.`,
};
export type PlanProposalsStrings = typeof PLAN_PROPOSALS_STRINGS;

export const PLAN_PROPOSALS_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
