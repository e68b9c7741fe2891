// Test-runner plugin: a fresh plan in the real API (started by ./real-api.mjs) for each request
// to `/__gatherkit-api/plan.json`. Made server-side with the demo organization's secret key, which
// never reaches the page. The answer holds what a host page would have: the API's address, a
// publishable key for the page's origin, the plan's id, an invite code, and a participant token
// for the plan's organizer.
import { realApiCaller } from "./real-api-keys.mjs";

/** @param {{ ready(): Promise<{ apiBase: string, secretKey: string }> }} api the realApi() plugin */
export function realApiPlans(api) {
  let n = 0;
  const { call, keyFor, serveJson } = realApiCaller(api, "Plan widget tests");

  async function newPlan(origin) {
    const { apiBase } = await api.ready();
    const publishableKey = await keyFor(origin);
    n += 1;
    const organizer = await call("POST", "/v1/participant-tokens", { externalId: `organizer-${n}`, name: "Olga" });
    const plan = await call("POST", "/v1/plans", {
      type: "trip",
      title: `Porto weekend ${n}`,
      timeZone: "Europe/Lisbon",
      currency: "EUR",
      startDate: "2030-07-04",
      endDate: "2030-07-06",
      votingDeadline: "2030-07-01T18:00:00Z",
      organizerParticipantId: organizer.participant.id,
    });
    for (const title of ["Port cellars", "Boat on the Douro"]) {
      await call("POST", `/v1/plans/${plan.id}/proposals`, { title }, organizer.token);
    }
    const invite = await call("POST", `/v1/plans/${plan.id}/invites`, {}, organizer.token);
    return { apiBase, publishableKey, planId: plan.id, inviteCode: invite.code, organizerToken: organizer.token };
  }

  return { name: "gatherkit-real-api-plans", serve: serveJson("/__gatherkit-api/plan.json", newPlan) };
}
