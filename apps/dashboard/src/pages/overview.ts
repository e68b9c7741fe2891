import type { OrganizationOverview } from "@gatherkit/sdk";
import { css, html, LitElement } from "lit";
import { describe, gk } from "../api.js";
import type { Series } from "../charts.js";
import { LiveController } from "../live.js";
import { BASE } from "../router.js";
import { styles } from "../ui.js";
import { money } from "./events.js";

type Charts = typeof import("../charts.js");

/**
 * The overview (below the shell's welcome): the organization's key numbers (GET /v1/organization/overview, counted by the
 * API over all its rows) — active plans, upcoming events, tickets sold and revenue of the last 30
 * days with a chart per day, RSVPs, bookings — and where to go next.
 */
export class OverviewPage extends LitElement {
  static override styles = [
    styles,
    css`
      dl.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 0.5rem; margin: 0.5rem 0 1rem; }
      dl.totals div { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem; }
      dl.totals dt { color: #57606a; font-size: 0.9rem; }
      dl.totals dd { margin: 0; font-size: 1.25rem; font-weight: 700; }
      dl.totals a { color: inherit; }
      figure { margin: 1rem 0; display: grid; gap: 0.5rem; }
      svg.chart { width: 100%; height: auto; max-height: 14rem; }
      svg.chart .bar { fill: #0969da; }
      svg.chart .grid { stroke: #d0d7de; }
      svg.chart .axis { font-size: 11px; fill: #57606a; }
    `,
  ];
  static override properties = { orgId: { attribute: "org-id" } };
  declare orgId: string;
  #state: "loading" | "ready" | "error" = "loading";
  #data: OrganizationOverview | undefined;
  #error = "";
  #charts: Charts | undefined;

  /**
   * Live: the organization's room (its staff only) hears `organization.activity` when one of its
   * plans, events or places changed; the figures are fetched again once a burst has settled, and
   * the status line says which moved.
   */
  readonly #live = new LiveController(
    this,
    () => (this.orgId ? `org:${this.orgId}` : ""),
    async (type) => {
      if (type !== undefined && type !== "organization.activity") return undefined;
      const before = this.#data;
      await this.#refresh();
      return before && this.#data ? moved(before, this.#data) : undefined;
    },
    { debounceMs: 400 },
  );

  override connectedCallback(): void {
    super.connectedCallback();
    // The chart code loads only with the pages that draw charts.
    void import("../charts.js").then((m) => {
      this.#charts = m;
      this.requestUpdate();
    });
    void this.#load();
  }

  async #load() {
    if (!this.#data) this.#state = "loading";
    this.requestUpdate();
    try {
      this.#data = await gk.organization.overview();
      this.#state = "ready";
    } catch (err) {
      this.#error = describe(err);
      this.#state = "error";
    }
    this.requestUpdate();
  }

  /** Fetches the figures again, keeping what is shown if that fails (a live refresh). */
  async #refresh() {
    if (this.#state !== "ready") return this.#load();
    try {
      this.#data = await gk.organization.overview();
    } catch {
      // The next change or Refresh tries again.
    }
    this.requestUpdate();
  }

  override render() {
    return html`<section aria-labelledby="h-figures">
        <h2 id="h-figures">Key numbers</h2>
        ${this.#live.render()}
        ${this.#figures()}
      </section>
      <h2>Next steps</h2>
      <ul>
        <li><a href="${BASE}/developers/keys">Create a publishable key</a>, then <a href="${BASE}/developers/embed">build the snippet</a> that puts a widget on your site.</li>
        <li><a href="${BASE}/analytics">See how sales and check-ins are going</a>.</li>
        <li><a href="${BASE}/plans">See your plans</a>.</li>
        <li><a href="/docs">Read the API reference</a>.</li>
      </ul>`;
  }

  #figures() {
    if (this.#state === "loading") return html`<p role="status">Loading the figures…</p>`;
    if (this.#state === "error" || !this.#data) {
      return html`<div class="error" role="alert">Could not load the figures: ${this.#error}
        <button class="secondary" @click=${() => this.#load()}>Retry</button></div>`;
    }
    const o = this.#data;
    const nothingYet =
      o.plans.active + o.plans.created + o.events.upcoming + o.events.drafts + o.events.orders + o.places.places + o.places.bookings === 0;
    if (nothingYet) {
      return html`<p class="muted" data-testid="overview-empty">Nothing to count yet. <a href="${BASE}/events">Create an event</a>,
        <a href="${BASE}/places/new">add a place</a> or <a href="${BASE}/plans">start a plan</a>, and its numbers appear here.</p>`;
    }
    const revenue = o.events.revenue.length ? o.events.revenue.map((r) => money(r.net, r.currency)).join(" · ") : money(0, "EUR");
    const r = o.rsvps;
    return html`<p class="muted">Now, and the last 30 days (${o.from} to ${o.to}, days in ${o.timeZone}).
        <button class="secondary" @click=${() => this.#load()}>Refresh</button></p>
      <dl class="totals" data-testid="overview">
        <div><dt>Active plans</dt><dd data-testid="active-plans"><a href="${BASE}/plans">${o.plans.active}</a></dd></div>
        <div><dt>Upcoming events</dt><dd data-testid="upcoming-events"><a href="${BASE}/events">${o.events.upcoming}</a></dd></div>
        <div><dt>Tickets sold, 30 days</dt><dd data-testid="tickets-sold">${o.events.ticketsSold}</dd></div>
        <div><dt>Revenue (net), 30 days</dt><dd data-testid="revenue">${revenue}</dd></div>
        <div><dt>Bookings, next 7 days</dt><dd data-testid="bookings-week"><a href="${BASE}/places">${o.places.bookingsNext7Days}</a></dd></div>
        <div><dt>RSVPs yes · maybe · no</dt><dd data-testid="rsvps">${r.yes} · ${r.maybe} · ${r.no}</dd></div>
      </dl>
      <p class="muted">${r.pending} guests have not answered yet${r.waitlisted ? `, ${r.waitlisted} are on a waitlist` : ""}; ${o.events.drafts} events are drafts.</p>
      ${this.#chart("overview-tickets", { title: "Tickets sold per day", columns: ["date", "tickets"], points: o.byDay.map((d) => ({ label: d.date, value: d.tickets })) })}
      ${this.#chart("overview-bookings", { title: "Bookings made per day", columns: ["date", "bookings"], points: o.byDay.map((d) => ({ label: d.date, value: d.bookings })) })}`;
  }

  /** A chart (the analytics page's) with its numbers in a folded table. */
  #chart(id: string, s: Series) {
    return html`<figure data-chart=${id}>
      <figcaption><strong>${s.title}</strong></figcaption>
      ${this.#charts ? this.#charts.barChart(s) : html`<p role="status">Loading the chart…</p>`}
      <details>
        <summary>The numbers</summary>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">${s.columns[0]}</th><th scope="col">${s.title}</th></tr></thead>
          <tbody>${s.points.map((p) => html`<tr><td>${p.label}</td><td data-value=${p.value}>${p.value.toLocaleString()}</td></tr>`)}</tbody>
        </table></div>
      </details>
    </figure>`;
  }
}

/** "Tickets sold, 30 days: 3 → 5." for the figures that moved between two overviews; undefined when none did. */
function moved(a: OrganizationOverview, b: OrganizationOverview): string | undefined {
  const figures: [string, number, number][] = [
    ["Active plans", a.plans.active, b.plans.active],
    ["Upcoming events", a.events.upcoming, b.events.upcoming],
    ["Tickets sold, 30 days", a.events.ticketsSold, b.events.ticketsSold],
    ["Bookings, next 7 days", a.places.bookingsNext7Days, b.places.bookingsNext7Days],
    ["RSVPs yes", a.rsvps.yes, b.rsvps.yes],
  ];
  const said = figures.filter(([, x, y]) => x !== y).map(([label, x, y]) => `${label}: ${x} → ${y}`);
  return said.length ? `${said.join("; ")}.` : undefined;
}

customElements.define("gk-dash-overview", OverviewPage);
