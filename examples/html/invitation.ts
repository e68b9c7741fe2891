// A guest's invitation page, opened from the link in their invitation email
// (`invitation.html?event=evt_…&token=gst_…`): <gk-rsvp> answers with the personal token, and
// <gk-agenda> with the same token adds sessions to the guest's own agenda once they said yes
// (the API refuses a pick before that, and the agenda says why).
import "@gatherkit/widgets/rsvp";
import "@gatherkit/widgets/agenda";
import { loadSession, STYLE } from "../shared/session.ts";

document.head.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!;
const log = (line: string) => $("#log").append(Object.assign(document.createElement("li"), { textContent: line }));

const rsvp = $<HTMLElementTagNameMap["gk-rsvp"]>("gk-rsvp");
const agenda = $<HTMLElementTagNameMap["gk-agenda"]>("gk-agenda");
rsvp.addEventListener("gk-rsvp-changed", (e) => log(`gk-rsvp-changed: ${e.detail.invitation.guest.status}`));
for (const el of [rsvp, agenda]) {
  el.addEventListener("gk-error", (e) => {
    log(`gk-error: ${e.detail.code ?? e.detail.message}`);
    // The organizer replaced this link (410): the newest invitation email has the current one.
    if (e.detail.code === "guest_link_revoked") $("#note").textContent = "This link was replaced: open the newest invitation you received.";
  });
}

const params = new URLSearchParams(location.search);
const event = params.get("event");
const token = params.get("token");
try {
  if (!event || !token) throw new Error("This page opens from the personal link in your invitation email.");
  // The site's page configuration (its API address and publishable key); the guest needs no sign-in.
  const { apiBase, publishableKey } = await loadSession();
  for (const el of [rsvp, agenda]) {
    el.setAttribute("api-base", apiBase);
    el.setAttribute("publishable-key", publishableKey);
    el.setAttribute("event", event);
  }
  // The guest's token as the link names it: <gk-rsvp token="gst_…">, <gk-agenda token="gst_…">.
  rsvp.setAttribute("token", token);
  agenda.setAttribute("token", token);
  $("#note").textContent = "Answer below; once you are coming, add the sessions you want to your agenda.";
} catch (error) {
  $("#note").textContent = String(error instanceof Error ? error.message : error);
  $("#note").setAttribute("role", "alert");
}
