// Test-runner plugin: a person with an inbox in the real API (started by ./real-api.mjs). Each
// request to `/__gatherkit-api/inbox.json` mints a participant token for a new person and puts
// them in a plan that notifies its participants, which the organization then cancels: the
// API's outbox fans "… was cancelled" out to the person's inbox and their room. With
// `?person=ptc_…` it does the same for that person again (one more notification, live).
import { realApiCaller } from "./real-api-keys.mjs";

/** @param {{ ready(): Promise<{ apiBase: string, secretKey: string }> }} api the realApi() plugin */
export function realApiInbox(api) {
  let n = 0;
  const { call, serveJson } = realApiCaller(api, "Inbox widget tests");

  async function cancelledPlanFor(personId) {
    n += 1;
    const organizer = await call("POST", "/v1/participant-tokens", { externalId: `inbox-organizer-${n}`, name: "Olga" });
    const plan = await call("POST", "/v1/plans", {
      type: "trip",
      title: `Lisbon trip ${n}`,
      timeZone: "Europe/Lisbon",
      currency: "EUR",
      startDate: "2030-07-04",
      endDate: "2030-07-06",
      organizerParticipantId: organizer.participant.id,
      notifyParticipants: true,
    });
    await call("POST", `/v1/plans/${plan.id}/participants`, { participantId: personId });
    await call("POST", `/v1/plans/${plan.id}/cancel`);
    return plan.title;
  }

  async function inbox(_origin, query) {
    const { apiBase } = await api.ready();
    if (query.person) return { title: await cancelledPlanFor(query.person) };
    n += 1;
    const person = await call("POST", "/v1/participant-tokens", { externalId: `inbox-person-${n}`, name: "Ada" });
    const title = await cancelledPlanFor(person.participant.id);
    return { apiBase, token: person.token, personId: person.participant.id, title };
  }

  return { name: "gatherkit-real-api-inbox", serve: serveJson("/__gatherkit-api/inbox.json", inbox) };
}
