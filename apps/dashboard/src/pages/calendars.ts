import type { Calendar, CalendarConnection, CalendarEvent, CalendarJob, Client, SyncRule } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE, navigate } from "../router.js";
import { dateTime, field, ListController, styles } from "../ui.js";
import "./calendar-tools.js";
import { quotaMeter, quotaStyles } from "./calendar-quota.js";

/** Calendars: the organization's clients, each with its Google connection, calendars, sync rules and bulk jobs. */
export class ClientsPage extends LitElement {
  static override styles = styles;
  readonly #clients = new ListController<Client>(this, () => gk.clients.list({ limit: 20 }));
  readonly #form = new FormState(this);

  override render() {
    const f = this.#form;
    return html`<h1>Calendars</h1>
      <p>Clients you work for. Connect each one's Google account once, then push plans, events and bookings to their calendars.</p>
      <h2>Clients</h2>
      ${this.#clients.render({
        what: "clients",
        empty: "No clients yet. Add one below.",
        rows: (clients) => html`<table>
          <caption class="muted" style="text-align:left">Clients, newest first</caption>
          <thead><tr><th>Name</th><th class="optional">Email</th><th>Google</th></tr></thead>
          <tbody>
            ${clients.map(
              (c) => html`<tr>
                <td><a href="${BASE}/calendars/${c.id}">${c.name}</a></td>
                <td class="optional">${c.email ?? "—"}</td>
                <td>${c.connected ? "Connected" : "Not connected"}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}
      <h2>Add a client</h2>
      <form novalidate aria-label="Add a client" @submit=${this.#create} @input=${f.check} @focusout=${f.check}>
        ${field({ label: "Name", name: "name", required: true, error: f.errors.name })}
        ${field({ label: "Email", name: "email", type: "email", error: f.errors.email, hint: "Optional." })}
        ${field({ label: "Time zone", name: "timeZone", value: Intl.DateTimeFormat().resolvedOptions().timeZone, required: true, error: f.errors.timeZone })}
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Adding…" : "Add client"}</button>
      </form>
      <gk-dash-calendar-feeds></gk-dash-calendar-feeds>`;
  }

  #create = (e: SubmitEvent) =>
    void this.#form.submit(e, async (v) => {
      const client = await gk.clients.create({ name: v.name ?? "", timeZone: v.timeZone || "UTC", ...(v.email ? { email: v.email } : {}) });
      navigate(`${BASE}/calendars/${client.id}`);
    });
}

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * One client: its connection (connect through Google's consent, reconnect, disconnect), its
 * calendars with a month grid of the chosen calendar's events (a small grid of our own: no
 * calendar library), its sync rules and its bulk jobs with their progress.
 */
export class ClientPage extends LitElement {
  static override styles = [
    styles,
    css`
      .month { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 2px; list-style: none; padding: 0; }
      .month li { border: 1px solid #d0d7de; min-height: 4.5rem; padding: 0.25rem; font-size: 0.85rem; overflow: hidden; }
      .month li.out { background: #f6f8fa; color: #57606a; }
      .month .ev { display: block; background: #ddf4ff; border-radius: 3px; padding: 0 0.25rem; margin-top: 2px; overflow-wrap: anywhere; }
      .weekdays { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); font-weight: 600; font-size: 0.85rem; }
      progress { width: 10rem; }
    `,
    quotaStyles,
  ];
  static override properties = { clientId: { attribute: "client-id" } };
  declare clientId: string;
  #client: Client | undefined;
  #connection: CalendarConnection | undefined;
  #calendars: Calendar[] = [];
  #calendarId = "";
  #month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
  #events: CalendarEvent[] | undefined;
  #eventsError = "";
  #error = "";
  #actionError = "";
  #notice = "";
  #rules: SyncRule[] | undefined;
  readonly #jobs = new ListController<CalendarJob>(this, () => gk.clients.jobs.list(this.clientId, { limit: 10 }));
  readonly #ruleForm = new FormState(this);
  #poll: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // Back from Google's consent: say how it went, and drop the outcome from the URL.
    const url = new URL(location.href);
    const outcome = url.searchParams.get("calendar_connection");
    if (outcome) {
      this.#notice =
        outcome === "connected"
          ? "The Google account is connected."
          : `The connection did not complete (${url.searchParams.get("reason") ?? "unknown"}).`;
      history.replaceState(null, "", url.pathname);
    }
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#poll);
  }

  async #load() {
    try {
      [this.#client, this.#connection] = await Promise.all([
        gk.clients.retrieve(this.clientId),
        gk.clients.connection.retrieve(this.clientId),
      ]);
      this.#rules = await gk.clients.syncRules.list(this.clientId);
      if (this.#connection.status === "valid") {
        this.#calendars = await gk.clients.calendars(this.clientId);
        this.#calendarId ||= this.#calendars.find((c) => c.primary)?.id ?? this.#calendars[0]?.id ?? "";
        void this.#loadEvents();
      }
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }

  async #loadEvents() {
    if (!this.#calendarId) return;
    this.#events = undefined;
    this.#eventsError = "";
    this.requestUpdate();
    const start = this.#month;
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    try {
      const page = await gk.clients.events.list(this.clientId, this.#calendarId, {
        timeMin: start.toISOString(),
        timeMax: end.toISOString(),
        singleEvents: true,
        limit: 250,
      });
      this.#events = [...page.data];
    } catch (err) {
      this.#eventsError = describe(err);
    }
    this.requestUpdate();
  }

  override render() {
    if (this.#error) return html`<p class="error" role="alert">Could not load the client: ${this.#error}</p>`;
    const c = this.#client;
    const conn = this.#connection;
    if (!c || !conn) return html`<p role="status">Loading the client…</p>`;
    return html`<p><a href="${BASE}/calendars">← Calendars</a></p>
      <h1>${c.name}</h1>
      <p>${c.email ?? "No email"} · ${c.timeZone}</p>
      ${this.#notice ? html`<p role="status">${this.#notice}</p>` : nothing}
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      <h2>Google connection</h2>
      ${this.#renderConnection(conn)}
      ${conn.status === "not_connected" ? nothing : quotaMeter(conn.quota)}
      ${conn.status === "valid" ? this.#renderCalendars() : nothing}
      ${
        conn.status === "valid"
          ? html`<gk-dash-ics-import client-id=${this.clientId} .calendars=${this.#calendars} @jobs-changed=${() => void this.#watchJobs()}></gk-dash-ics-import>`
          : nothing
      }
      <h2>Sync rules</h2>
      ${this.#renderRules()}
      <h2>Bulk jobs</h2>
      <p><button class="secondary" id="resync" @click=${this.#resync} ?disabled=${conn.status !== "valid"}>Re-sync every rule</button></p>
      ${this.#jobs.render({
        what: "jobs",
        empty: "No jobs yet.",
        rows: (jobs) => html`<table>
          <caption class="muted" style="text-align:left">Jobs, newest first</caption>
          <thead><tr><th>Job</th><th>Status</th><th>Progress</th><th class="optional">Failed rows</th></tr></thead>
          <tbody>
            ${jobs.map(
              (j) => html`<tr>
                <td>${j.kind.replace("_", " ")} <span class="muted">${dateTime(j.createdAt)}</span></td>
                <td>${j.status}${j.error ? html` <span class="error">${j.error}</span>` : nothing}</td>
                <td><progress max=${j.total || 1} value=${j.processed} aria-label="Progress of the ${j.kind} job"></progress> ${j.processed}/${j.total}</td>
                <td class="optional">${j.failures.length ? j.failures.map((f) => html`<div>row ${f.index + 1}: ${f.detail}</div>`) : "—"}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}`;
  }

  #renderConnection(conn: CalendarConnection) {
    if (conn.status === "valid") {
      return html`<p>Connected to <strong>${conn.accountEmail ?? "a Google account"}</strong>.</p>
        <div class="row">
          <button class="secondary" id="reconnect" @click=${this.#connect}>Reconnect</button>
          <button class="danger" id="disconnect" @click=${this.#disconnect}>Disconnect</button>
        </div>`;
    }
    return html`<p>${conn.status === "invalid" ? `The connection stopped working (${conn.invalidReason ?? "Google refused it"}): connect it again.` : "Not connected."}</p>
      <button id="connect" @click=${this.#connect}>${conn.status === "invalid" ? "Reconnect Google" : "Connect Google"}</button>`;
  }

  #renderCalendars() {
    const m = this.#month;
    const label = m.toLocaleDateString(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
    return html`<h2>Calendars</h2>
      <label for="calendar-pick">Calendar
        <select id="calendar-pick" @change=${(e: Event) => {
          this.#calendarId = (e.target as HTMLSelectElement).value;
          void this.#loadEvents();
        }}>
          ${this.#calendars.map((cal) => html`<option value=${cal.id} ?selected=${cal.id === this.#calendarId}>${cal.summary} (${cal.accessRole})</option>`)}
        </select>
      </label>
      <div class="row">
        <button class="secondary" @click=${() => this.#shift(-1)} aria-label="Previous month">←</button>
        <h3 aria-live="polite" style="margin:0">${label}</h3>
        <button class="secondary" @click=${() => this.#shift(1)} aria-label="Next month">→</button>
      </div>
      ${
        this.#eventsError
          ? html`<p class="error" role="alert">Could not load the events: ${this.#eventsError} <button class="secondary" @click=${() => this.#loadEvents()}>Retry</button></p>`
          : this.#events === undefined
            ? html`<p role="status">Loading events…</p>`
            : this.#grid(this.#events)
      }`;
  }

  /** A month of weeks starting on Monday, each day with its events (UTC days; all-day events by date). */
  #grid(events: CalendarEvent[]) {
    const first = this.#month;
    const start = new Date(first.getTime() - ((first.getUTCDay() + 6) % 7) * DAY);
    const days = Array.from({ length: 42 }, (_, i) => new Date(start.getTime() + i * DAY));
    const on = (d: string) =>
      events.filter((e) => {
        const s = "date" in e.start ? e.start.date : e.start.dateTime.slice(0, 10);
        return s === d;
      });
    return html`<div class="weekdays" aria-hidden="true">${["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => html`<span>${d}</span>`)}</div>
      <ul class="month" aria-label="Events by day">
        ${days.map((d) => {
          const list = on(iso(d));
          const inMonth = d.getUTCMonth() === first.getUTCMonth();
          return html`<li class=${inMonth ? "" : "out"}>
            <span class="sr-only">${d.toLocaleDateString(undefined, { dateStyle: "full", timeZone: "UTC" })}</span><span aria-hidden="true">${d.getUTCDate()}</span>
            ${list.map((e) => html`<span class="ev">${e.title}</span>`)}
          </li>`;
        })}
      </ul>
      ${events.length === 0 ? html`<p class="muted">No events this month.</p>` : nothing}`;
  }

  #shift(by: number) {
    this.#month = new Date(Date.UTC(this.#month.getUTCFullYear(), this.#month.getUTCMonth() + by, 1));
    void this.#loadEvents();
  }

  #renderRules() {
    const rules = this.#rules;
    const f = this.#ruleForm;
    const writable = this.#calendars.filter((c) => c.accessRole === "owner" || c.accessRole === "writer");
    return html`${
      rules === undefined
        ? html`<p role="status">Loading sync rules…</p>`
        : rules.length === 0
          ? html`<p class="muted">Nothing is pushed to this client's calendars yet.</p>`
          : html`<ul>
            ${rules.map(
              (r) => html`<li>
                ${r.source.type} <code>${r.source.id}</code> → ${this.#calendars.find((c) => c.id === r.calendarId)?.summary ?? r.calendarId}
                <button class="danger" @click=${() => this.#removeRule(r)} aria-label="Stop pushing ${r.source.type} ${r.source.id}">Stop</button>
              </li>`,
            )}
          </ul>`
    }
      ${
        this.#connection?.status === "valid"
          ? html`<form novalidate aria-label="Push to a calendar" @submit=${this.#addRule} @input=${f.check} @focusout=${f.check}>
            <label for="rule-type">What to push
              <select id="rule-type" name="sourceType">
                <option value="plan">A plan (its finalized activities)</option>
                <option value="event">An event (while published, with its RSVP headcount)</option>
                <option value="place">A place (its confirmed bookings)</option>
              </select>
            </label>
            ${field({ label: "Its id", name: "sourceId", required: true, error: f.errors["source.id"] ?? f.errors.sourceId, hint: "plan_…, evt_… or plc_…" })}
            <label for="rule-calendar">To calendar
              <select id="rule-calendar" name="calendarId">
                ${writable.map((c) => html`<option value=${c.id}>${c.summary}</option>`)}
              </select>
            </label>
            ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
            <button type="submit" ?disabled=${f.busy}>${f.busy ? "Linking…" : "Push to calendar"}</button>
          </form>`
          : nothing
      }`;
  }

  #connect = async () => {
    this.#actionError = "";
    try {
      const { url } = await gk.clients.connection.authorize(this.clientId, { returnTo: location.href.split("?")[0] ?? location.href });
      location.assign(url);
    } catch (err) {
      this.#actionError = describe(err);
      this.requestUpdate();
    }
  };

  #disconnect = async () => {
    if (!confirm("Disconnect this client's Google account? Nothing more is pushed until it is connected again.")) return;
    await this.#act(() => gk.clients.connection.del(this.clientId));
    this.#calendars = [];
    this.#events = undefined;
    await this.#load();
  };

  #addRule = (e: SubmitEvent) => {
    // Kept now: once the event is dispatched, its target (inside a shadow root) is cleared.
    const form = e.target as HTMLFormElement;
    void this.#ruleForm
      .submit(e, async (v) => {
        const type = v.sourceType as "plan" | "event" | "place";
        await gk.clients.syncRules.create(this.clientId, {
          calendarId: v.calendarId ?? "",
          source: { type, id: v.sourceId ?? "" } as never,
        });
      })
      .then(async (ok) => {
        if (!ok) return;
        form.reset();
        this.#rules = await gk.clients.syncRules.list(this.clientId);
        this.requestUpdate();
      });
  };

  async #removeRule(r: SyncRule) {
    if (!confirm(`Stop pushing ${r.source.type} ${r.source.id}? Events already on the calendar stay.`)) return;
    await this.#act(() => gk.clients.syncRules.del(this.clientId, r.id));
    this.#rules = await gk.clients.syncRules.list(this.clientId);
    this.requestUpdate();
  }

  #resync = async () => {
    await this.#act(() => gk.clients.jobs.create(this.clientId, { kind: "resync" }));
    await this.#watchJobs();
  };

  /** Reloads the jobs while one is still queued or running, so its progress moves on the page. */
  async #watchJobs() {
    clearTimeout(this.#poll);
    await this.#jobs.reload();
    if (this.#jobs.items.some((j) => j.status === "queued" || j.status === "running")) {
      this.#poll = setTimeout(() => void this.#watchJobs(), 1000);
    } else {
      void this.#loadEvents();
    }
  }

  async #act(action: () => Promise<unknown>) {
    this.#actionError = "";
    try {
      await action();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-clients", ClientsPage);
customElements.define("gk-dash-client", ClientPage);
