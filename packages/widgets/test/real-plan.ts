/** A fresh plan in the real API (test/real-api-plans.mjs): two proposals, an invite, its organizer's token. */
export interface RealPlan {
  apiBase: string;
  publishableKey: string;
  planId: string;
  inviteCode: string;
  organizerToken: string;
}

/** Asks the test runner's real API for a new plan (starting the API and its rooms on first use). */
export async function realPlan(): Promise<RealPlan> {
  // no-store: the test runner serves everything with a year-long max-age, so a second test file
  // asking the same URL would get the first one's plan (and the board test finalizes it).
  const res = await fetch("/__gatherkit-api/plan.json", { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(`The real API could not make a plan:\n${body.error}`);
  return body as RealPlan;
}
