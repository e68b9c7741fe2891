import type { Booking, Place, Review } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { LiveController, newOnes } from "../live.js";
import { BASE } from "../router.js";
import { dateTime, ListController, styles } from "../ui.js";
import { money } from "./events.js";
import "./place-reviews.js";
import type { PlaceReviews } from "./place-reviews.js";

/** Places: the organization's bookable places with their capacity and rating. */
export class PlacesPage extends LitElement {
  static override styles = styles;
  readonly #places = new ListController<Place>(this, () => gk.places.list({ limit: 20 }));

  override render() {
    return html`<h1>Places</h1>
      <p><a href="${BASE}/places/new">New place</a></p>
      ${this.#places.render({
        what: "places",
        empty: html`No places yet. <a href="${BASE}/places/new">Create the first one</a>.`,
        rows: (places) => html`<table>
          <caption class="muted" style="text-align:left">Bookable places</caption>
          <thead><tr><th>Name</th><th>Kind</th><th>Capacity</th><th class="optional">Rating</th><th>Status</th></tr></thead>
          <tbody>
            ${places.map(
              (p) => html`<tr>
                <td><a href="${BASE}/places/${p.id}">${p.name}</a></td>
                <td>${p.kind}</td>
                <td>${p.capacity}</td>
                <td class="optional">${p.rating.count ? `${p.rating.average?.toFixed(1)} (${p.rating.count})` : "—"}</td>
                <td>${p.active ? "Active" : "Inactive"}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}`;
  }
}

const DAY = 86_400_000;
/** The most bookings the calendar shows for one week. */
const CALENDAR_LIMIT = 500;
/** The calendar date (`2030-07-01`) of an instant in `timeZone`. */
const dateIn = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * One place: its details, the reviews waiting for moderation, and its bookings as a list (newest
 * first; confirmed and unpaid ones cancellable after a confirmation) or as a week's calendar in
 * the place's time zone.
 */
export class PlacePage extends LitElement {
  static override styles = [
    styles,
    css`
      ol.calendar { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.5rem; grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr)); }
      ol.calendar > li { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem; min-width: 0; }
      ol.calendar h4 { margin: 0 0 0.25rem; font-size: 0.95rem; }
      ol.calendar ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.25rem; }
      li.booking { font-size: 0.9rem; border-left: 3px solid #0969da; padding-left: 0.4rem; overflow-wrap: anywhere; }
      li.booking.pending_payment { border-left-color: #9a6700; }
      li.booking.cancelled, li.booking.expired { border-left-color: #8c959f; text-decoration: line-through; }
      h3 { margin: 0; font-size: 1rem; }
      button.secondary[aria-pressed="true"] { background: #1f2328; color: #fff; }
    `,
  ];
  static override properties = { placeId: { attribute: "place-id" } };
  declare placeId: string;
  #place: Place | undefined;
  #error = "";
  #actionError = "";
  readonly #bookings = new ListController<Booking>(this, () => gk.places.bookings.list({ placeId: this.placeId, limit: 20 }));
  /** Live: a booking made, moved or cancelled (the place's room) refetches the list, or the week shown, and says how many are new. */
  readonly #live = new LiveController(
    this,
    () => `place:${this.placeId}`,
    async () => {
      const before = this.#bookings.items;
      const weekBefore = this.#week.items;
      await Promise.all([
        this.#bookings.refresh(),
        this.#view === "calendar" && this.#week.state === "ready" ? this.#loadWeek(true) : undefined,
      ]);
      return (
        newOnes(before, this.#bookings.items, "booking", "bookings") ||
        (this.#view === "calendar" ? newOnes(weekBefore, this.#week.items, "booking this week", "bookings this week") : "") ||
        undefined
      );
    },
  );
  readonly #pending = new ListController<Review>(this, () => gk.places.reviews.list(this.placeId, { status: "pending", limit: 20 }));
  #view: "list" | "calendar" = "list";
  #weekStart: string | undefined;
  #week: { state: "idle" | "loading" | "ready" | "error"; items: Booking[]; error: string } = { state: "idle", items: [], error: "" };
  /** The review being rejected (its reason form is open) and that form's error. */
  #rejecting: string | undefined;
  #reasonError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    gk.places
      .retrieve(this.placeId)
      .then((p) => {
        this.#place = p;
      })
      .catch((err) => {
        this.#error = describe(err);
      })
      .finally(() => this.requestUpdate());
  }

  override render() {
    if (this.#error) return html`<p class="error" role="alert">Could not load the place: ${this.#error}</p>`;
    const p = this.#place;
    if (!p) return html`<p role="status">Loading the place…</p>`;
    return html`<p><a href="${BASE}/places">← Places</a></p>
      <h1>${p.name}</h1>
      <p>${p.kind} · capacity ${p.capacity} · ${p.timeZone} · ${p.active ? "active" : "inactive"} · <a href="${BASE}/places/${p.id}/edit">Edit the place</a></p>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      <h2>Reviews waiting for moderation</h2>
      ${this.#pending.render({
        what: "reviews",
        empty: p.reviewModeration ? "No reviews waiting." : "This place publishes reviews without moderation.",
        rows: (reviews) => html`<ul class="reviews">
          ${reviews.map(
            (r) => html`<li>
              <p><strong aria-hidden="true">${"★".repeat(r.rating)}${"☆".repeat(5 - r.rating)}</strong> <span class="sr-only">${r.rating} of 5 stars</span> by ${r.authorName}, ${dateTime(r.createdAt)}</p>
              <p>${r.text || html`<span class="muted">(no text)</span>`}</p>
              ${
                this.#rejecting === r.id
                  ? html`<form novalidate aria-label="Reject the review by ${r.authorName}" @submit=${(e: SubmitEvent) => this.#reject(e, r)}>
                    <label for="reason-${r.id}">Why is it rejected? (the author is told)
                      <textarea id="reason-${r.id}" name="reason" required rows="2" aria-invalid=${this.#reasonError ? "true" : "false"} aria-describedby=${this.#reasonError ? `reason-${r.id}-error` : nothing}></textarea>
                      ${this.#reasonError ? html`<span class="field-error" id="reason-${r.id}-error">${this.#reasonError}</span>` : nothing}
                    </label>
                    <div class="row">
                      <button type="submit" class="danger">Reject</button>
                      <button type="button" class="secondary" @click=${() => this.#openReject(undefined)}>Keep it</button>
                    </div>
                  </form>`
                  : html`<div class="row">
                    <button @click=${() => this.#moderate(r, { status: "approved" })} aria-label="Approve the review by ${r.authorName}">Approve</button>
                    <button class="danger" @click=${() => this.#openReject(r.id)} aria-label="Reject the review by ${r.authorName}">Reject…</button>
                  </div>`
              }
            </li>`,
          )}
        </ul>`,
      })}
      <gk-dash-place-reviews place-id=${p.id}></gk-dash-place-reviews>
      <h2 id="bookings-title">Bookings</h2>
      <div class="row" role="group" aria-label="Show the bookings as">
        <button class="secondary" aria-pressed=${this.#view === "list" ? "true" : "false"} @click=${() => this.#show("list")}>List</button>
        <button class="secondary" aria-pressed=${this.#view === "calendar" ? "true" : "false"} @click=${() => this.#show("calendar")}>Calendar</button>
      </div>
      ${this.#view === "calendar" ? this.#renderCalendar(p) : this.#renderList()}
      ${this.#live.render()}`;
  }

  #renderList() {
    return html`${this.#bookings.render({
      what: "bookings",
      empty: "No bookings yet.",
      rows: (bookings) => html`<table>
          <caption class="muted" style="text-align:left">Bookings of this place, newest first</caption>
          <thead><tr><th>When</th><th>Who</th><th>Status</th><th>Price</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${bookings.map(
              (b) => html`<tr>
                <td>${dateTime(b.start, this.#place?.timeZone)} – ${dateTime(b.end, this.#place?.timeZone)}</td>
                <td>${b.contact.name}${b.vehiclePlate ? html` <code>${b.vehiclePlate}</code>` : nothing}</td>
                <td>${b.status.replace("_", " ")}</td>
                <td>${money(b.price.amount, b.price.currency)}</td>
                <td>
                  ${
                    b.status === "confirmed" || b.status === "pending_payment"
                      ? html`<button class="danger" @click=${() => this.#cancel(b)} aria-label="Cancel the booking of ${b.contact.name} at ${dateTime(b.start)}">Cancel</button>`
                      : nothing
                  }
                </td>
              </tr>`,
            )}
          </tbody>
        </table>`,
    })}`;
  }

  #show(view: "list" | "calendar") {
    this.#view = view;
    if (view === "calendar" && this.#week.state !== "ready") void this.#loadWeek();
    this.requestUpdate();
  }

  /** The week shown: its first day (a Monday) as `YYYY-MM-DD` in the place's time zone. */
  #weekOf(offsetWeeks: number): string {
    const today = dateIn(Date.now(), this.#place?.timeZone ?? "UTC");
    const monday = addDays(today, -((new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7));
    return addDays(monday, offsetWeeks * 7);
  }

  /** The week's bookings; `quiet` (a live refresh) keeps the week on screen until they arrive. */
  async #loadWeek(quiet = false) {
    const place = this.#place;
    if (!place) return;
    const first = this.#weekStart ?? this.#weekOf(0);
    this.#weekStart = first;
    if (!quiet) {
      this.#week = { state: "loading", items: [], error: "" };
      this.requestUpdate();
    }
    try {
      // A day either side, so every booking touching the week in the place's zone is in; each is then put on its local days.
      const from = new Date(Date.parse(`${first}T00:00:00Z`) - DAY).toISOString();
      const to = new Date(Date.parse(`${addDays(first, 7)}T00:00:00Z`) + DAY).toISOString();
      const items: Booking[] = [];
      for await (const b of gk.places.bookings.list({ placeId: place.id, from, to, limit: 100 })) {
        items.push(b);
        if (items.length >= CALENDAR_LIMIT) break;
      }
      if (this.#weekStart === first) this.#week = { state: "ready", items, error: "" };
    } catch (err) {
      if (this.#weekStart === first && !quiet) this.#week = { state: "error", items: [], error: describe(err) };
    }
    this.requestUpdate();
  }

  #moveWeek(weeks: number) {
    this.#weekStart = weeks === 0 ? this.#weekOf(0) : addDays(this.#weekStart ?? this.#weekOf(0), weeks * 7);
    void this.#loadWeek();
  }

  #renderCalendar(place: Place) {
    const first = this.#weekStart ?? this.#weekOf(0);
    const days = Array.from({ length: 7 }, (_, i) => addDays(first, i));
    const zone = place.timeZone;
    const label = (d: string, o: Intl.DateTimeFormatOptions) =>
      new Date(`${d}T12:00:00Z`).toLocaleDateString(undefined, { ...o, timeZone: "UTC" });
    const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", timeZone: zone });
    const week = this.#week;
    let body: unknown;
    if (week.state === "loading") body = html`<p role="status">Loading the week…</p>`;
    else if (week.state === "error") {
      body = html`<div class="error" role="alert">Could not load the week: ${week.error}
        <button class="secondary" @click=${() => this.#loadWeek()}>Retry</button></div>`;
    } else {
      // Each booking on the local days it touches; the query's margin brings some that touch none of this week's.
      const on = (d: string) =>
        week.items
          .filter((b) => dateIn(Date.parse(b.start), zone) <= d && dateIn(Date.parse(b.end) - 1, zone) >= d)
          .sort((a, b) => a.start.localeCompare(b.start));
      const shown = week.items.filter(
        (b) => dateIn(Date.parse(b.start), zone) <= days[6]! && dateIn(Date.parse(b.end) - 1, zone) >= days[0]!,
      );
      const live = shown.filter((b) => b.status !== "cancelled" && b.status !== "expired");
      body = html`<p class="muted" role="status">${live.length ? `${live.length} ${live.length === 1 ? "booking" : "bookings"} this week` : "No bookings this week."}${week.items.length >= CALENDAR_LIMIT ? ` (the first ${CALENDAR_LIMIT} shown)` : ""}</p>
        <ol class="calendar" aria-labelledby="week-title">
          ${days.map((d) => {
            const list = on(d);
            return html`<li>
              <h4>${label(d, { weekday: "short", day: "numeric", month: "short" })}</h4>
              ${
                list.length
                  ? html`<ul>
                    ${list.map(
                      (b) => html`<li class="booking ${b.status}">
                        <span>${time(b.start)}–${time(b.end)}</span> ${b.contact.name}${b.vehiclePlate ? html` <code>${b.vehiclePlate}</code>` : nothing}
                        <span class="muted">${b.status.replace("_", " ")}</span>
                      </li>`,
                    )}
                  </ul>`
                  : html`<p class="muted">Free</p>`
              }
            </li>`;
          })}
        </ol>`;
    }
    return html`<div class="row">
        <button class="secondary prev-week" @click=${() => this.#moveWeek(-1)}>← Previous week</button>
        <h3 id="week-title">Week of ${label(first, { day: "numeric", month: "long", year: "numeric" })} <span class="muted">(${zone})</span></h3>
        <button class="secondary next-week" @click=${() => this.#moveWeek(1)}>Next week →</button>
        <button class="secondary this-week" @click=${() => this.#moveWeek(0)}>This week</button>
      </div>
      ${body}`;
  }

  #openReject(id: string | undefined) {
    this.#rejecting = id;
    this.#reasonError = "";
    this.requestUpdate();
    if (id) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>(`#reason-${id}`)?.focus());
  }

  #reject(e: SubmitEvent, r: Review) {
    e.preventDefault();
    const reason = String(new FormData(e.target as HTMLFormElement).get("reason") ?? "").trim();
    if (!reason) {
      this.#reasonError = "Say why, so the author knows.";
      this.requestUpdate();
      return;
    }
    void this.#moderate(r, { status: "rejected", reason });
  }

  async #moderate(r: Review, decision: { status: "approved" } | { status: "rejected"; reason: string }) {
    this.#actionError = "";
    try {
      await gk.places.reviews.moderate(r.id, decision);
      this.#rejecting = undefined;
      await this.#pending.reload();
      void this.renderRoot.querySelector<PlaceReviews>("gk-dash-place-reviews")?.reload();
    } catch (err) {
      this.#actionError = describe(err);
      this.requestUpdate();
    }
  }

  async #cancel(b: Booking) {
    if (!confirm(`Cancel ${b.contact.name}'s booking at ${dateTime(b.start)}?`)) return;
    this.#actionError = "";
    try {
      await gk.places.bookings.cancel(b.id);
      await this.#bookings.reload();
    } catch (err) {
      this.#actionError = describe(err);
      this.requestUpdate();
    }
  }
}

customElements.define("gk-dash-places", PlacesPage);
customElements.define("gk-dash-place", PlacePage);
