// Plain HTML: the widgets are in the page; this module loads them, sets their attributes and
// listens to their events (typed: `GlobalEventHandlersEventMap` knows every `gk-*` event).
import "@gatherkit/widgets/connection-check";
import "@gatherkit/widgets/ticket-checkout";
import { LOCALES, loadSession, STYLE } from "../shared/session.ts";

document.head.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!;
const log = (line: string) => $("#log").append(Object.assign(document.createElement("li"), { textContent: line }));

const check = $<HTMLElementTagNameMap["gk-connection-check"]>("gk-connection-check");
const checkout = $<HTMLElementTagNameMap["gk-ticket-checkout"]>("gk-ticket-checkout");
check.addEventListener("gk-connected", (e) => log(`gk-connected: ${e.detail.origin} (API ${e.detail.version})`));
checkout.addEventListener("gk-checkout-started", (e) => log(`gk-checkout-started: ${e.detail.orderId}`));
checkout.addEventListener("gk-error", (e) => log(`gk-error: ${e.detail.code ?? e.detail.message}`));
// One sentence in the site's own words (any language's table still gives the rest).
checkout.strings = { again: "Buy more for your friends" };

// The widgets take the language of the nearest `lang` attribute: here, their wrapper's.
const select = $<HTMLSelectElement>("#locale");
select.append(...LOCALES.map(([tag, name]) => new Option(name, tag)));
select.addEventListener("change", () => {
  $("#widgets").setAttribute("lang", select.value);
  // An ancestor's `lang` is read when a widget renders: ask them to.
  check.requestUpdate();
  checkout.requestUpdate();
});

try {
  const session = await loadSession();
  $("#who").textContent = `Signed in to this site as ${session.user.name}; its server minted a participant token for them with the SDK.`;
  $<HTMLAnchorElement>("#invitation").href = session.invitation;
  check.setAttribute("api-base", session.apiBase);
  check.setAttribute("token", session.token);
  checkout.setAttribute("api-base", session.apiBase);
  checkout.setAttribute("publishable-key", session.publishableKey);
  checkout.setAttribute("event", session.eventId);
} catch (error) {
  $("#who").textContent = String(error);
  $("#who").setAttribute("role", "alert");
}
