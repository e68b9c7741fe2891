import type { Plan } from "@gatherkit/sdk";
import { plural } from "../../base/i18n.js";

/**
 * The sentences every plan widget shares (`<gk-plan>`, `<gk-plan-board>`, `<gk-vote>` and the vote
 * control and deadline in `<gk-plan-proposals>`), in English; other languages in `locales/`,
 * loaded on demand. Reword with the element's `strings` property. Sentences around a formatted
 * date return a list of pieces so the date keeps its `<time>` element.
 */
export const PLAN_STRINGS = {
  loadingPlan: "Loading the plan…",
  loadingVote: "Loading the vote…",
  nothingToVote: "Nothing to vote on yet.",
  selected: "Selected",
  revoked: "You are no longer in this plan.",
  status: { planning: "Planning", finalized: "Finalized", completed: "Completed", cancelled: "Cancelled" } as Record<
    Plan["status"],
    string
  >,
  type: { trip: "Trip", event: "Event", purchase: "Group purchase" } as Record<Plan["type"], string>,
  votes: { yes: "Yes", maybe: "Maybe", no: "No" },
  votingCloses: (when: unknown, countdown: string): unknown[] => ["Voting closes ", when, ` (${countdown}).`],
  votingOpen: "Voting is open until the organizers finalize the plan.",
  closedDeadline: (when: unknown): unknown[] => ["Voting is closed: the deadline, ", when, ", has passed."],
  closedStatus: (status: string) => `Voting is closed: the plan is ${status}.`,
  hiddenResults: "Results appear after the deadline.",
  votesSoFar: (n: number) => `${n} ${plural("en", n, { one: "vote", other: "votes" })} so far.`,
  tally: "Votes so far",
  yourVote: "Your vote",
  on: (title: string) => ` on ${title}`,
};
export type PlanStrings = typeof PLAN_STRINGS;

export const PLAN_LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ar: () => import("./locales/ar.js"),
};
