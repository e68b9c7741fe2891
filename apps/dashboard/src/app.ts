import type { Me } from "@gatherkit/sdk";
import { css, html, LitElement, nothing, type TemplateResult } from "lit";
import { keyed } from "lit/directives/keyed.js";
import { describe, gk, isUnauthenticated } from "./api.js";
import "./pages/analytics.js";
import "./pages/auth.js";
import "./pages/calendars.js";
import "./pages/embed.js";
import "./pages/password-reset.js";
import "./pages/requests.js";
import "./pages/checkin.js";
import "./pages/discounts.js";
import "./pages/event-edit.js";
import "./pages/events.js";
import "./pages/orders.js";
import "./pages/overview.js";
import "./pages/agenda.js";
import "./pages/guests.js";
import "./pages/keys.js";
import "./pages/notifications.js";
import "./pages/place-edit.js";
import "./pages/places.js";
import "./pages/plan.js";
import "./pages/plans.js";
import "./pages/settings.js";
import "./pages/webhooks.js";
import { BASE, interceptLinks, navigate, parse, type Route } from "./router.js";
import { setOrgTimeZone, styles } from "./ui.js";

const TITLES: Record<Route["page"], string> = {
  "sign-in": "Sign in",
  "sign-up": "Create your organization",
  "forgot-password": "Forgotten password",
  "reset-password": "Choose a new password",
  requests: "Request log",
  embed: "Embed builder",
  analytics: "Analytics",
  overview: "Overview",
  keys: "API keys",
  plans: "Plans",
  settings: "Settings",
  events: "Events",
  event: "Event",
  "event-edit": "Edit event",
  "event-orders": "Orders",
  order: "Order",
  "event-discounts": "Discount codes",
  "event-checkin": "Check-in",
  guests: "Guests",
  agenda: "Agenda",
  plan: "Plan",
  places: "Places",
  place: "Place",
  calendars: "Calendars",
  client: "Client",
  "place-new": "New place",
  "place-edit": "Edit place",
  notifications: "Notifications",
  "outbox-message": "Message",
  webhooks: "Webhooks",
  webhook: "Webhook endpoint",
  "not-found": "Not found",
};
const PUBLIC_PAGES = new Set<Route["page"]>(["sign-in", "sign-up", "forgot-password", "reset-password"]);

/**
 * The dashboard's shell: who is signed in (the session cookie, checked with `GET /v1/auth/me`,
 * refreshed once when the access cookie ran out), the navigation, and the page for the URL.
 */
export class Dashboard extends LitElement {
  static override styles = [
    styles,
    css`
      :host { min-height: 100vh; }
      header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; padding: 0.75rem 1rem; border-bottom: 1px solid #d0d7de; }
      header .brand { font-weight: 700; margin-right: auto; }
      nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
      nav a[aria-current="page"] { font-weight: 700; }
      main { padding: 1rem; max-width: 64rem; margin: 0 auto; }
    `,
  ];
  #route: Route = parse(new URL(location.href));
  #me: Me | null | undefined;
  #meError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener("popstate", this.#onRoute);
    interceptLinks(this.renderRoot);
    this.addEventListener("session-changed", () => void this.#loadMe());
    void this.#loadMe();
  }

  override disconnectedCallback(): void {
    removeEventListener("popstate", this.#onRoute);
    super.disconnectedCallback();
  }

  #onRoute = () => {
    this.#route = parse(new URL(location.href));
    this.#guard();
    this.requestUpdate();
    document.title = `${TITLES[this.#route.page]} · Gatherkit`;
    // Move focus to the new page's heading, as a page load would, for screen readers and keyboards.
    void this.updateComplete.then(() => this.renderRoot.querySelector("main")?.focus());
  };

  async #loadMe() {
    try {
      this.#me = await gk.auth.me();
    } catch (err) {
      if (!isUnauthenticated(err)) {
        this.#meError = describe(err);
        this.#me = null;
      } else {
        // The access cookie may simply have run out: the refresh cookie gets a new pair once.
        this.#me = await gk.auth
          .refresh()
          .then(() => gk.auth.me())
          .catch(() => null);
      }
    }
    if (this.#me) setOrgTimeZone(this.#me.organization.timeZone);
    this.#guard();
    document.title = `${TITLES[this.#route.page]} · Gatherkit`;
    this.requestUpdate();
  }

  /** Signed out on a page that needs a session: to sign-in, then back here. Signed in on sign-in: home. */
  #guard() {
    if (this.#me === undefined) return;
    const page = this.#route.page;
    if (!this.#me && !PUBLIC_PAGES.has(page)) {
      navigate(`${BASE}/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    } else if (this.#me && (page === "sign-in" || page === "sign-up")) {
      navigate(page === "sign-in" ? this.#route.next : `${BASE}/`, true);
    }
  }

  async #signOut() {
    await gk.auth.signOut().catch(() => {});
    this.#me = null;
    navigate(`${BASE}/sign-in`);
  }

  override render() {
    const me = this.#me;
    return html`<header>
        <span class="brand">Gatherkit${me ? html` · ${me.organization.name}` : nothing}</span>
        ${
          me
            ? html`<nav aria-label="Dashboard">
                <ul>
                  ${this.#link("/", "overview", "Overview")} ${this.#link("/plans", "plans", "Plans")}
                  ${this.#link("/events", "events", "Events")} ${this.#link("/places", "places", "Places")}
                  ${this.#link("/calendars", "calendars", "Calendars")}
                  ${this.#link("/analytics", "analytics", "Analytics")} ${this.#link("/notifications", "notifications", "Notifications")}
                  ${this.#link("/developers/keys", "keys", "API keys")} ${this.#link("/developers/embed", "embed", "Embed")}
                  ${this.#link("/developers/webhooks", "webhooks", "Webhooks")}
                  ${this.#link("/developers/requests", "requests", "Requests")} ${this.#link("/settings", "settings", "Settings")}
                </ul>
              </nav>
              <span class="muted">${me.user.email} (${me.role})</span>
              <button class="secondary" @click=${() => this.#signOut()}>Sign out</button>`
            : nothing
        }
      </header>
      <main id="main" tabindex="-1">${this.#page()}</main>`;
  }

  #link(path: string, page: Route["page"], label: string): TemplateResult {
    const here = this.#route.page;
    const current =
      here === page ||
      (page === "events" &&
        (here === "event" ||
          here === "event-edit" ||
          here === "event-orders" ||
          here === "order" ||
          here === "event-discounts" ||
          here === "event-checkin" ||
          here === "guests" ||
          here === "agenda")) ||
      (page === "places" && (here === "place" || here === "place-new" || here === "place-edit")) ||
      (page === "calendars" && here === "client") ||
      (page === "notifications" && here === "outbox-message") ||
      (page === "plans" && here === "plan") ||
      (page === "webhooks" && here === "webhook");
    return html`<li><a href="${BASE}${path === "/" ? "/" : path}" aria-current=${current ? "page" : nothing}>${label}</a></li>`;
  }

  #page(): unknown {
    const route = this.#route;
    if (this.#meError) return html`<p class="error" role="alert">The API did not answer: ${this.#meError}</p>`;
    if (this.#me === undefined) return html`<p role="status">Loading…</p>`;
    switch (route.page) {
      case "sign-in":
        return html`<gk-dash-sign-in .next=${route.next}></gk-dash-sign-in>`;
      case "sign-up":
        return html`<gk-dash-sign-up></gk-dash-sign-up>`;
      case "forgot-password":
        return html`<gk-dash-forgot-password></gk-dash-forgot-password>`;
      case "reset-password":
        return html`<gk-dash-reset-password></gk-dash-reset-password>`;
      case "not-found":
        return html`<h1>Not found</h1>
          <p>Nothing lives at <code>${route.path}</code>. <a href="${BASE}/">Back to the overview</a></p>`;
    }
    if (!this.#me) return html`<p role="status">Signing in…</p>`;
    switch (route.page) {
      case "overview":
        return html`<h1>Welcome, ${this.#me.user.name}</h1>
          <p>You are ${this.#me.role} of <strong>${this.#me.organization.name}</strong>.</p>
          <gk-dash-overview org-id=${this.#me.organization.id}></gk-dash-overview>`;
      case "keys":
        return html`<gk-dash-keys></gk-dash-keys>`;
      case "requests":
        return html`<gk-dash-requests></gk-dash-requests>`;
      case "webhooks":
        return html`<gk-dash-webhooks></gk-dash-webhooks>`;
      case "webhook":
        return keyed(route.id, html`<gk-dash-webhook endpoint-id=${route.id}></gk-dash-webhook>`);
      case "embed":
        return html`<gk-dash-embed></gk-dash-embed>`;
      case "analytics":
        return keyed(route.event ?? "", html`<gk-dash-analytics event-id=${route.event ?? ""}></gk-dash-analytics>`);
      case "plans":
        return html`<gk-dash-plans></gk-dash-plans>`;
      case "settings":
        return html`<gk-dash-settings></gk-dash-settings>`;
      case "events":
        return html`<gk-dash-events></gk-dash-events>`;
      case "plan":
        return keyed(route.id, html`<gk-dash-plan plan-id=${route.id}></gk-dash-plan>`);
      case "places":
        return html`<gk-dash-places></gk-dash-places>`;
      case "place":
        return keyed(route.id, html`<gk-dash-place place-id=${route.id}></gk-dash-place>`);
      case "calendars":
        return html`<gk-dash-clients></gk-dash-clients>`;
      case "client":
        return keyed(route.id, html`<gk-dash-client client-id=${route.id}></gk-dash-client>`);
      case "place-new":
        return keyed("new", html`<gk-dash-place-edit></gk-dash-place-edit>`);
      case "place-edit":
        return keyed(`edit-${route.id}`, html`<gk-dash-place-edit place-id=${route.id}></gk-dash-place-edit>`);
      case "notifications":
        return html`<gk-dash-notifications></gk-dash-notifications>`;
      case "outbox-message":
        return keyed(route.id, html`<gk-dash-outbox-message message-id=${route.id}></gk-dash-outbox-message>`);
      case "event-edit":
        return keyed(`edit-${route.id}`, html`<gk-dash-event-edit event-id=${route.id}></gk-dash-event-edit>`);
      case "event-orders":
        return keyed(`orders-${route.id}`, html`<gk-dash-orders event-id=${route.id}></gk-dash-orders>`);
      case "order":
        return keyed(route.order, html`<gk-dash-order event-id=${route.id} order-id=${route.order}></gk-dash-order>`);
      case "event-discounts":
        return keyed(`discounts-${route.id}`, html`<gk-dash-discounts event-id=${route.id}></gk-dash-discounts>`);
      case "event-checkin":
        return keyed(`checkin-${route.id}`, html`<gk-dash-checkin event-id=${route.id}></gk-dash-checkin>`);
      case "guests":
        return keyed(`guests-${route.id}`, html`<gk-dash-guests event-id=${route.id}></gk-dash-guests>`);
      case "agenda":
        return keyed(`agenda-${route.id}`, html`<gk-dash-agenda event-id=${route.id}></gk-dash-agenda>`);
      case "event":
        // One element per event: going from one event to another loads afresh.
        return keyed(route.id, html`<gk-dash-event event-id=${route.id}></gk-dash-event>`);
    }
  }
}

customElements.define("gk-dashboard", Dashboard);
