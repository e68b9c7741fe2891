import type { Booking, Place, Review } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { BASE } from "../router.js";
import { dateTime, ListController, styles } from "../ui.js";
import { money } from "./events.js";

/** Places: the organization's bookable places with their capacity and rating. */
export class PlacesPage extends LitElement {
  static override styles = styles;
  readonly #places = new ListController<Place>(this, () => gk.places.list({ limit: 20 }));

  override render() {
    return html`<h1>Places</h1>
      ${this.#places.render({
        what: "places",
        empty: html`No places yet. Create one with the API (<code>POST /v1/places</code>).`,
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

/** One place: its details and its bookings, newest first, each cancellable (after a confirmation). */
export class PlacePage extends LitElement {
  static override styles = styles;
  static override properties = { placeId: { attribute: "place-id" } };
  declare placeId: string;
  #place: Place | undefined;
  #error = "";
  #actionError = "";
  readonly #bookings = new ListController<Booking>(this, () => gk.places.bookings.list({ placeId: this.placeId, limit: 20 }));
  readonly #pending = new ListController<Review>(this, () => gk.places.reviews.list(this.placeId, { status: "pending", limit: 20 }));
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
      <p>${p.kind} · capacity ${p.capacity} · ${p.timeZone} · ${p.active ? "active" : "inactive"}</p>
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
      <h2>Bookings</h2>
      ${this.#bookings.render({
        what: "bookings",
        empty: "No bookings yet.",
        rows: (bookings) => html`<table>
          <caption class="muted" style="text-align:left">Bookings of this place, newest first</caption>
          <thead><tr><th>When</th><th>Who</th><th>Status</th><th>Price</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${bookings.map(
              (b) => html`<tr>
                <td>${dateTime(b.start)} – ${dateTime(b.end)}</td>
                <td>${b.contact.name}${b.vehiclePlate ? html` <code>${b.vehiclePlate}</code>` : nothing}</td>
                <td>${b.status}</td>
                <td>${money(b.price.amount, b.price.currency)}</td>
                <td>
                  ${
                    b.status === "confirmed"
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
