/**
 * A small history router for real URLs under /dashboard: links are plain `<a href>` (deep links,
 * new tabs, the back button work), clicks on them are taken over so the page does not reload.
 */
export const BASE = "/dashboard";

export type Route =
  | { page: "sign-in"; next: string }
  | { page: "sign-up" }
  | { page: "forgot-password" }
  | { page: "reset-password" }
  | { page: "requests" }
  | { page: "embed" }
  | { page: "analytics"; event: string | null }
  | { page: "overview" }
  | { page: "keys" }
  | { page: "plans" }
  | { page: "settings" }
  | { page: "events" }
  | { page: "event"; id: string }
  | { page: "event-edit"; id: string }
  | { page: "event-orders"; id: string }
  | { page: "order"; id: string; order: string }
  | { page: "event-discounts"; id: string }
  | { page: "event-checkin"; id: string }
  | { page: "guests"; id: string }
  | { page: "agenda"; id: string }
  | { page: "plan"; id: string }
  | { page: "places" }
  | { page: "place"; id: string }
  | { page: "calendars" }
  | { page: "client"; id: string }
  | { page: "place-new" }
  | { page: "place-edit"; id: string }
  | { page: "notifications" }
  | { page: "outbox-message"; id: string }
  | { page: "webhooks" }
  | { page: "webhook"; id: string }
  | { page: "not-found"; path: string };

export function parse(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, "").slice(BASE.length) || "/";
  switch (path) {
    case "/":
      return { page: "overview" };
    case "/sign-in":
      return { page: "sign-in", next: safeNext(url.searchParams.get("next")) };
    case "/sign-up":
      return { page: "sign-up" };
    case "/developers/keys":
      return { page: "keys" };
    case "/forgot-password":
      return { page: "forgot-password" };
    case "/reset-password":
      return { page: "reset-password" };
    case "/developers/webhooks":
      return { page: "webhooks" };
    case "/developers/requests":
      return { page: "requests" };
    case "/developers/embed":
      return { page: "embed" };
    case "/analytics":
      return { page: "analytics", event: url.searchParams.get("event") };
    case "/plans":
      return { page: "plans" };
    case "/settings":
      return { page: "settings" };
    case "/events":
      return { page: "events" };
    case "/places":
      return { page: "places" };
    case "/calendars":
      return { page: "calendars" };
    case "/places/new":
      return { page: "place-new" };
    case "/notifications":
      return { page: "notifications" };
    default: {
      const event = /^\/events\/(evt_[A-Za-z0-9]+)$/.exec(path);
      if (event?.[1]) return { page: "event", id: event[1] };
      const eventEdit = /^\/events\/(evt_[A-Za-z0-9]+)\/edit$/.exec(path);
      if (eventEdit?.[1]) return { page: "event-edit", id: eventEdit[1] };
      const ticketing = /^\/events\/(evt_[A-Za-z0-9]+)\/(orders|discounts|checkin)(?:\/(ord_[A-Za-z0-9]+))?$/.exec(path);
      if (ticketing?.[1] && ticketing[2] === "orders" && ticketing[3]) return { page: "order", id: ticketing[1], order: ticketing[3] };
      if (ticketing?.[1] && !ticketing[3]) {
        const page = ticketing[2] === "orders" ? "event-orders" : ticketing[2] === "discounts" ? "event-discounts" : "event-checkin";
        return { page, id: ticketing[1] };
      }
      const guests = /^\/events\/(evt_[A-Za-z0-9]+)\/(guests|agenda)$/.exec(path);
      if (guests?.[1]) return { page: guests[2] === "agenda" ? "agenda" : "guests", id: guests[1] };
      const plan = /^\/plans\/(plan_[A-Za-z0-9]+)$/.exec(path);
      if (plan?.[1]) return { page: "plan", id: plan[1] };
      const place = /^\/places\/(plc_[A-Za-z0-9]+)$/.exec(path);
      if (place?.[1]) return { page: "place", id: place[1] };
      const client = /^\/calendars\/(cli_[A-Za-z0-9]+)$/.exec(path);
      if (client?.[1]) return { page: "client", id: client[1] };
      const placeEdit = /^\/places\/(plc_[A-Za-z0-9]+)\/edit$/.exec(path);
      if (placeEdit?.[1]) return { page: "place-edit", id: placeEdit[1] };
      const message = /^\/notifications\/outbox\/(lm_[A-Za-z0-9]+)$/.exec(path);
      if (message?.[1]) return { page: "outbox-message", id: message[1] };
      const hook = /^\/developers\/webhooks\/(whe_[A-Za-z0-9]+)$/.exec(path);
      if (hook?.[1]) return { page: "webhook", id: hook[1] };
      return { page: "not-found", path: url.pathname };
    }
  }
}

/** Only a path inside the dashboard may be a redirect target after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next?.startsWith(`${BASE}/`) && !next.startsWith("//") ? next : `${BASE}/`;
}

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** Takes over same-origin clicks on dashboard links (not modified clicks or new-tab links). */
export function interceptLinks(root: EventTarget): void {
  root.addEventListener("click", (e) => {
    const ev = e as MouseEvent;
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || a.target || a.hasAttribute("download")) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
}
