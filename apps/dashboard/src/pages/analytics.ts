import type { EventAnalytics, Guest, Place, PlaceOccupancy, PlanActivityReport, TicketedEvent } from "@gatherkit/sdk";
import { css, html, LitElement, nothing, type TemplateResult } from "lit";
import { describe, gk } from "../api.js";
import type { Series } from "../charts.js";
import { BASE, navigate } from "../router.js";
import { styles, timeOfDay } from "../ui.js";
import { money } from "./events.js";

type Charts = typeof import("../charts.js");
type Load<T> = { state: "idle" | "loading" | "ready" | "error"; data?: T; error?: string };

const percent = (v: number) => `${Math.round(v * 100)} %`;
const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
/** Today's date in `timeZone` moved by `days` (`YYYY-MM-DD`). */
const dayIn = (timeZone: string, days: number) =>
  new Date(Date.parse(`${new Intl.DateTimeFormat("en-CA", { timeZone }).format(Date.now())}T00:00:00Z`) + days * 86_400_000)
    .toISOString()
    .slice(0, 10);

/**
 * Analytics: an event's registrations and revenue per day, sales per ticket type and check-in rate
 * (GET /v1/events/{id}/analytics, days in the event's time zone); a place's occupancy per day and
 * by hour of day (GET /v1/places/{id}/occupancy, in the place's zone) and plan activity per day
 * (GET /v1/plan-activity, in the organization's zone), all counted by the API over every row of
 * the last 30 days. Each chart has its numbers as a table and as CSV. The event's figures reload
 * when its room says something changed, a place's when its room does.
 */
export class AnalyticsPage extends LitElement {
  static override styles = [
    styles,
    css`
      figure.chart-block { margin: 1rem 0 1.5rem; display: grid; gap: 0.5rem; }
      svg.chart { width: 100%; height: auto; max-height: 16rem; }
      svg.chart .bar { fill: #0969da; }
      svg.chart .grid { stroke: #d0d7de; }
      svg.chart .axis { font-size: 11px; fill: #57606a; }
      dl.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0.5rem; margin: 0.5rem 0; }
      dl.totals div { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem; }
      dl.totals dt { color: #57606a; font-size: 0.9rem; }
      dl.totals dd { margin: 0; font-size: 1.25rem; font-weight: 700; }
    `,
  ];
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  #charts: Charts | undefined;
  #events: Load<TicketedEvent[]> = { state: "loading" };
  #analytics: Load<EventAnalytics> = { state: "idle" };
  #guests: Load<Guest[]> = { state: "idle" };
  #places: Load<Place[]> = { state: "loading" };
  #placeId = "";
  #occupancy: Load<{ place: Place; report: PlaceOccupancy }> = { state: "idle" };
  #plans: Load<PlanActivityReport> = { state: "loading" };
  #live: { close(): void } | undefined;
  #placeLive: { close(): void } | undefined;
  #updated = "";

  override connectedCallback(): void {
    super.connectedCallback();
    // The chart code loads only with this page.
    void import("../charts.js").then((m) => {
      this.#charts = m;
      this.requestUpdate();
    });
    void this.#fetch(
      () => gk.events.list({ limit: 100 }).then((p) => p.data),
      (l) => {
        this.#events = l;
      },
    );
    void this.#fetch(
      () => gk.places.list({ limit: 100 }).then((p) => p.data),
      (l) => {
        this.#places = l;
        if (!this.#placeId && l.data?.[0]) this.#choosePlace(l.data[0].id);
      },
    );
    void this.#fetch(
      () => gk.plans.activity(),
      (l) => {
        this.#plans = l;
      },
    );
    if (this.eventId) {
      void this.#loadEvent();
      // Live: whatever the event's room says (a sale, a refund, a check-in, an RSVP) reloads the figures.
      const reload = () => {
        void this.#loadEvent();
        void this.#loadGuests();
      };
      void this.#loadGuests();
      this.#live = gk.realtime.subscribe(`event:${this.eventId}`, reload, { onResync: reload });
    }
  }

  override disconnectedCallback(): void {
    this.#live?.close();
    this.#placeLive?.close();
    super.disconnectedCallback();
  }

  async #fetch<T>(run: () => Promise<T>, set: (l: Load<T>) => void) {
    set({ state: "loading" });
    this.requestUpdate();
    try {
      set({ state: "ready", data: await run() });
    } catch (err) {
      set({ state: "error", error: describe(err) });
    }
    this.requestUpdate();
  }

  #loadEvent() {
    return this.#fetch(
      () => gk.events.analytics(this.eventId),
      (l) => {
        // A reload keeps the charts on screen (no "Loading" flash) until the new figures arrive.
        if (l.state === "loading" && this.#analytics.data) return;
        this.#analytics = l;
        if (l.state === "ready") this.#updated = timeOfDay(Date.now());
      },
    );
  }

  #loadGuests() {
    return this.#fetch(
      async () => (await gk.events.guests.list(this.eventId, { limit: 100 })).data,
      (l) => {
        if (l.state === "loading" && this.#guests.data) return;
        this.#guests = l;
      },
    );
  }

  #rsvpFigures() {
    const l = this.#guests;
    if (l.state === "error") return html`<p class="error" role="alert">Could not load the guests: ${l.error}</p>`;
    if (l.state !== "ready" || !l.data) return html`<p role="status">Loading the guests…</p>`;
    if (!l.data.length) return html`<p class="muted">No guest list for this event: RSVP figures appear once guests are invited.</p>`;
    const responded = l.data.filter((g) => g.respondedAt !== null).length;
    const byStatus = new Map<string, number>();
    for (const g of l.data) byStatus.set(g.status, (byStatus.get(g.status) ?? 0) + 1);
    return html`<p class="muted">RSVP response rate: <strong data-testid="rsvp-rate">${percent(responded / l.data.length)}</strong> (${responded} of ${l.data.length} guests${l.data.length === 100 ? ", the latest 100" : ""}).</p>
      ${this.#chart("rsvp", {
        title: "Guests by RSVP status",
        columns: ["status", "guests"],
        points: [...byStatus].map(([label, value]) => ({ label, value })),
      })}`;
  }

  #choosePlace(id: string) {
    this.#placeId = id;
    const place = this.#places.data?.find((p) => p.id === id);
    if (!place) return;
    const load = () =>
      this.#fetch(
        // The last 30 days and the next 30: bookings are mostly ahead.
        async () => ({ place, report: await gk.places.occupancy(id, { from: dayIn(place.timeZone, -29), to: dayIn(place.timeZone, 30) }) }),
        (l) => {
          if (l.state === "loading" && this.#occupancy.data?.place.id === id) return;
          this.#occupancy = l;
        },
      );
    void load();
    // Live: a booking made, moved or cancelled changes the place's free capacity, which its room announces.
    this.#placeLive?.close();
    this.#placeLive = gk.places.subscribe(id, { onAvailabilityChanged: () => void load(), onResync: () => void load() });
  }

  override render() {
    return html`<h1>Analytics</h1>
      <section aria-labelledby="h-event">
        <h2 id="h-event">Event sales</h2>
        ${this.#eventPicker()} ${this.eventId ? this.#eventFigures() : nothing}
      </section>
      <section aria-labelledby="h-place">
        <h2 id="h-place">Place occupancy</h2>
        ${this.#placeFigures()}
      </section>
      <section aria-labelledby="h-plans">
        <h2 id="h-plans">Plan activity</h2>
        ${this.#planFigures()}
      </section>`;
  }

  #eventPicker() {
    const l = this.#events;
    if (l.state === "loading") return html`<p role="status">Loading events…</p>`;
    if (l.state === "error") return html`<p class="error" role="alert">Could not load events: ${l.error}</p>`;
    if (!l.data?.length) return html`<p class="muted">No events yet. <a href="${BASE}/events">Create one</a> to see its sales here.</p>`;
    return html`<label for="pick-event">Event
      <select id="pick-event" @change=${(e: Event) => navigate(`${BASE}/analytics?event=${(e.target as HTMLSelectElement).value}`)}>
        <option value="" ?selected=${!this.eventId}>Choose an event…</option>
        ${l.data.map((ev) => html`<option value=${ev.id} ?selected=${ev.id === this.eventId}>${ev.title}</option>`)}
      </select>
    </label>`;
  }

  #eventFigures() {
    const l = this.#analytics;
    if (l.state === "loading" || l.state === "idle") return html`<p role="status">Loading the event's figures…</p>`;
    if (l.state === "error" || !l.data) {
      return html`<div class="error" role="alert">Could not load the figures: ${l.error}
        <button class="secondary" @click=${() => this.#loadEvent()}>Retry</button></div>`;
    }
    const a = l.data;
    const cur = (v: number) => money(v, a.currency);
    return html`<p class="muted">Days are in the event's time zone, ${a.timeZone}. Updated ${this.#updated}; updates live.
        <button class="secondary" @click=${() => this.#loadEvent()}>Refresh</button></p>
      <dl class="totals" data-testid="totals">
        <div><dt>Paid orders</dt><dd data-testid="orders">${a.totals.orders}</dd></div>
        <div><dt>Tickets sold</dt><dd data-testid="tickets">${a.totals.ticketsSold}</dd></div>
        <div><dt>Revenue (net)</dt><dd>${cur(a.totals.net)}</dd></div>
        <div><dt>Checked in</dt><dd>${a.checkIn.checkedIn} of ${a.checkIn.tickets} (${percent(a.checkIn.rate)})</dd></div>
      </dl>
      ${this.#chart("registrations", {
        title: "Tickets sold per day",
        columns: ["date", "tickets"],
        points: a.byDay.map((d) => ({ label: d.date, value: d.tickets })),
      })}
      ${this.#chart("revenue", {
        title: `Revenue per day (${a.currency})`,
        columns: ["date", `gross_minor_units_${a.currency}`],
        points: a.byDay.map((d) => ({ label: d.date, value: d.gross })),
        format: cur,
      })}
      ${this.#chart("ticket-types", {
        title: "Tickets sold by ticket type",
        columns: ["ticket_type", "sold"],
        points: a.ticketTypes.map((t) => ({ label: t.name, value: t.sold })),
      })}
      ${this.#chart("check-in", {
        title: "Check-in rate",
        columns: ["measure", "rate"],
        points: [{ label: "Checked in", value: a.checkIn.rate }],
        format: percent,
        max: 1,
      })}
      <h3>RSVPs</h3>
      ${this.#rsvpFigures()}`;
  }

  #placeFigures() {
    const places = this.#places;
    if (places.state === "loading") return html`<p role="status">Loading places…</p>`;
    if (places.state === "error") return html`<p class="error" role="alert">Could not load places: ${places.error}</p>`;
    if (!places.data?.length) return html`<p class="muted">No places yet.</p>`;
    const o = this.#occupancy;
    let body: TemplateResult;
    if (o.state === "error") body = html`<p class="error" role="alert">Could not load bookings: ${o.error}</p>`;
    else if (o.state !== "ready" || !o.data) body = html`<p role="status">Loading bookings…</p>`;
    else {
      const { place, report } = o.data;
      body = html`<p class="muted">Booked hours of confirmed and completed bookings, ${report.from} to ${report.to}, in ${report.timeZone}:
          <strong data-testid="booked-hours">${hours(report.totals.bookedMinutes).toLocaleString()}</strong> hours over
          <strong data-testid="bookings">${report.totals.bookings}</strong> bookings (capacity ${report.capacity}).</p>
        ${this.#chart("occupancy", {
          title: `Occupancy of ${place.name} by hour`,
          columns: ["hour", "booked_hours"],
          points: report.byHour.map((h) => ({ label: `${String(h.hour).padStart(2, "0")}:00`, value: hours(h.bookedMinutes) })),
        })}
        ${this.#chart("occupancy-per-day", {
          title: `Booked hours of ${place.name} per day`,
          columns: ["date", "booked_hours"],
          points: report.byDay.map((d) => ({ label: d.date, value: hours(d.bookedMinutes) })),
        })}`;
    }
    return html`<label for="pick-place">Place
        <select id="pick-place" @change=${(e: Event) => this.#choosePlace((e.target as HTMLSelectElement).value)}>
          ${places.data.map((p) => html`<option value=${p.id} ?selected=${p.id === this.#placeId}>${p.name}</option>`)}
        </select>
      </label>
      ${body}`;
  }

  #planFigures() {
    const l = this.#plans;
    if (l.state === "loading") return html`<p role="status">Loading plan activity…</p>`;
    if (l.state === "error" || !l.data) return html`<p class="error" role="alert">Could not load plan activity: ${l.error}</p>`;
    const a = l.data;
    const t = a.totals;
    return html`<p class="muted">${a.from} to ${a.to}, days in the organization's time zone, ${a.timeZone}.</p>
      <dl class="totals" data-testid="plan-totals">
        <div><dt>Plans created</dt><dd data-testid="plans-created">${t.plans}</dd></div>
        <div><dt>Proposals</dt><dd>${t.proposals}</dd></div>
        <div><dt>Votes</dt><dd>${t.votes}</dd></div>
        <div><dt>Messages</dt><dd>${t.messages}</dd></div>
      </dl>
      ${this.#chart("plans-per-day", {
        title: "Plans created per day",
        columns: ["date", "plans"],
        points: a.byDay.map((d) => ({ label: d.date, value: d.plans })),
      })}
      ${this.#chart("plan-activity-per-day", {
        title: "Proposals, votes and messages per day",
        columns: ["date", "actions"],
        points: a.byDay.map((d) => ({ label: d.date, value: d.proposals + d.votes + d.messages })),
      })}`;
  }

  /** A chart with its numbers: the table (folded) and a CSV download. */
  #chart(id: string, s: Series) {
    const fmt = s.format ?? ((v: number) => v.toLocaleString());
    const charts = this.#charts;
    return html`<figure class="chart-block" data-chart=${id}>
      <figcaption><strong>${s.title}</strong></figcaption>
      ${charts ? charts.barChart(s) : html`<p role="status">Loading the chart…</p>`}
      <details>
        <summary>The numbers</summary>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">${s.columns[0]}</th><th scope="col">${s.title}</th></tr></thead>
          <tbody>${s.points.map((p) => html`<tr><td>${p.label}</td><td data-value=${p.value}>${fmt(p.value)}</td></tr>`)}</tbody>
        </table></div>
      </details>
      <button class="secondary" ?disabled=${!charts} @click=${() => this.#download(id, s)}>Download CSV</button>
    </figure>`;
  }

  #download(id: string, s: Series) {
    if (!this.#charts) return;
    const url = URL.createObjectURL(new Blob([this.#charts.toCsv(s)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${id}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}

customElements.define("gk-dash-analytics", AnalyticsPage);
