import type { Quota, TicketedEvent, TicketType } from "@gatherkit/sdk";
import { css, html, LitElement, nothing, type PropertyValues } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import "../image-uploads.js";
import type { ImageUploads } from "../image-uploads.js";
import { BASE } from "../router.js";
import { field, isTimeZone, styles } from "../ui.js";
import { isoIn, localIn } from "../zone.js";
import { area, checkTicketType, onInputs, TICKET_TYPE_INPUTS, ticketTypeBody, ticketTypeFields } from "./event-form.js";
import { money } from "./events.js";
import type { LocationMap } from "./place-map.js";

const CATEGORY = /^[a-z0-9][a-z0-9-]{0,39}$/;
const categoriesOf = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);

const EVENT_FIELDS = {
  "venue.name": "venueName",
  "venue.address.line1": "venueLine1",
  "venue.address.line2": "venueLine2",
  "venue.address.city": "venueCity",
  "venue.address.region": "venueRegion",
  "venue.address.postalCode": "venuePostalCode",
  "venue.address.country": "venueCountry",
  "venue.lat": "venueLat",
  "venue.lng": "venueLng",
  "contact.name": "contactName",
  "contact.email": "contactEmail",
  categories: "categories",
  imageUrls: "imageUrls",
};
/** The venue's fields besides its name: any of them needs a venue name. */
const VENUE_INPUTS = ["venueLine1", "venueLine2", "venueCity", "venueRegion", "venuePostalCode", "venueCountry", "venueLat", "venueLng"];
/** Where the map's pin starts for an event with no position yet (it sets none until moved). */
const DEFAULT_POSITION = { lat: 38.7107, lng: -9.1366 };
/** The map's tile URL, when the API was configured with one (MAP_TILE_URL). */
const TILE_URL = document.querySelector<HTMLMetaElement>('meta[name="gk-map-tile-url"]')?.content || null;

/**
 * Editing an event: its details (title, description, venue, time zone, times, capacity, hold,
 * categories), its ticket types (edited or deleted while never sold) and its quotas (places
 * several ticket types share, with what is used of each).
 */
export class EventEditPage extends LitElement {
  static override styles = [
    styles,
    css`
      fieldset { border: 1px solid #d0d7de; border-radius: 6px; display: grid; gap: 0.35rem; min-width: 0; }
      textarea { max-width: 100%; }
      .two { display: grid; gap: 0.35rem 1rem; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); }
      .map { block-size: 14rem; border: 1px solid #8c959f; border-radius: 6px; background-color: #f6f8fa;
        background-image: linear-gradient(#d0d7de 1px, transparent 1px), linear-gradient(90deg, #d0d7de 1px, transparent 1px);
        background-size: 2rem 2rem; z-index: 0; }
    `,
  ];
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  #event: TicketedEvent | undefined;
  #types: TicketType[] = [];
  #quotas: Quota[] | undefined;
  #quotaError = "";
  #error = "";
  #notice = "";
  #actionError = "";
  /** The ticket type being edited (its form shows below the table). */
  #editing: TicketType | undefined;
  readonly #form = new FormState(this);
  readonly #typeForm = new FormState(this);
  readonly #quotaForm = new FormState(this);
  readonly #quotaEditForm = new FormState(this);
  /** The quota being edited (its form shows below the quotas). */
  #editingQuota: Quota | undefined;
  /** The event's images as the form has them (saved with the details). */
  #images: string[] = [];
  #map: LocationMap | undefined;
  #mapLoad: Promise<void> | undefined;
  #mapFailed = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      [this.#event, this.#types] = await Promise.all([gk.events.retrieve(this.eventId), gk.events.ticketTypes.list(this.eventId)]);
      this.#images = [...this.#event.imageUrls];
      this.#error = "";
    } catch (err) {
      this.#error = describe(err);
    }
    await this.#loadQuotas();
  }

  async #loadQuotas() {
    try {
      this.#quotas = await gk.events.quotas.list(this.eventId);
      this.#quotaError = "";
    } catch (err) {
      this.#quotaError = describe(err);
    }
    this.requestUpdate();
  }

  #say(notice: string) {
    this.#notice = notice;
    this.#actionError = "";
    this.requestUpdate();
  }

  override render() {
    if (this.#error) {
      return html`<div class="error" role="alert">Could not load the event: ${this.#error}
        <button class="secondary" @click=${() => this.#load()}>Retry</button></div>`;
    }
    const ev = this.#event;
    if (!ev) return html`<p role="status">Loading the event…</p>`;
    return html`<p><a href="${BASE}/events/${ev.id}">← ${ev.title}</a></p>
      <h1>Edit ${ev.title}</h1>
      <div role="status">${this.#notice ? html`<p class="notice">${this.#notice}</p>` : nothing}</div>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#details(ev)}
      ${this.#ticketTypes(ev)}
      ${this.#quotaSection()}`;
  }

  #details(ev: TicketedEvent) {
    const f = this.#form;
    const e = f.errors;
    const a = ev.venue?.address;
    const num = (n: number | null | undefined) => (n == null ? "" : String(n));
    return html`<h2>Details</h2>
      <form novalidate aria-label="Event details" @submit=${this.#save} @input=${this.#checkDetails} @focusout=${this.#checkDetails}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Title", name: "title", value: ev.title, required: true, error: e.title })}
        ${area("Description", "description", ev.description, e.description)}
        ${field({ label: "Time zone", name: "timeZone", value: ev.timeZone, required: true, error: e.timeZone, hint: "IANA name, e.g. Europe/Lisbon." })}
        ${field({ label: "Starts", name: "startsAt", type: "datetime-local", value: localIn(ev.startsAt, ev.timeZone), required: true, error: e.startsAt, hint: "In the event's time zone (above)." })}
        ${field({ label: "Ends", name: "endsAt", type: "datetime-local", value: localIn(ev.endsAt, ev.timeZone), required: true, error: e.endsAt })}
        ${field({ label: "Capacity", name: "capacity", type: "number", min: "1", step: "1", value: ev.capacity === null ? "" : String(ev.capacity), error: e.capacity, hint: "Most tickets across every type; empty for no limit." })}
        ${field({ label: "Hold minutes", name: "holdMinutes", type: "number", min: "1", step: "1", value: String(ev.holdMinutes), required: true, error: e.holdMinutes, hint: "How long a checkout holds its tickets (1–60)." })}
        ${field({ label: "Categories", name: "categories", value: ev.categories.join(", "), error: e.categories, hint: "Comma-separated slugs, e.g. live-music, fado." })}
        <fieldset>
          <legend>Venue</legend>
          ${field({ label: "Venue", name: "venueName", value: ev.venue?.name ?? "", error: e.venueName, hint: "Leave empty for no venue." })}
          ${field({ label: "Street", name: "venueLine1", value: a?.line1 ?? "", error: e.venueLine1, autocomplete: "address-line1" })}
          ${field({ label: "Address line 2", name: "venueLine2", value: a?.line2 ?? "", error: e.venueLine2, autocomplete: "address-line2" })}
          <div class="two">
            ${field({ label: "City", name: "venueCity", value: a?.city ?? "", error: e.venueCity, autocomplete: "address-level2" })}
            ${field({ label: "Region", name: "venueRegion", value: a?.region ?? "", error: e.venueRegion, autocomplete: "address-level1" })}
            ${field({ label: "Postal code", name: "venuePostalCode", value: a?.postalCode ?? "", error: e.venuePostalCode, autocomplete: "postal-code" })}
            ${field({ label: "Country", name: "venueCountry", value: a?.country ?? "", error: e.venueCountry, hint: "Two letters, e.g. PT." })}
          </div>
          <p class="muted" id="map-help">Click the map or drag its pin to set the venue's position, or type it below.</p>
          <div class="map" id="location-map" aria-hidden="true"></div>
          ${this.#mapFailed ? html`<p class="muted">The map could not load; type the position.</p>` : nothing}
          <div class="two" @input=${this.#typedPosition}>
            ${field({ label: "Latitude", name: "venueLat", type: "number", step: "any", value: num(ev.venue?.lat), error: e.venueLat, hint: "−90 to 90; empty with the longitude for no position." })}
            ${field({ label: "Longitude", name: "venueLng", type: "number", step: "any", value: num(ev.venue?.lng), error: e.venueLng, hint: "−180 to 180." })}
          </div>
        </fieldset>
        <fieldset>
          <legend>Contact</legend>
          <div class="two">
            ${field({ label: "Contact name", name: "contactName", value: ev.contact.name ?? "", error: e.contactName, autocomplete: "name" })}
            ${field({ label: "Contact email", name: "contactEmail", type: "email", value: ev.contact.email ?? "", error: e.contactEmail, autocomplete: "email", hint: "Shown to buyers for questions." })}
          </div>
        </fieldset>
        <fieldset>
          <legend>Images</legend>
          <gk-dash-image-uploads label="the event" .images=${this.#images} @change=${this.#imagesChanged}></gk-dash-image-uploads>
          ${e.imageUrls ? html`<span class="field-error" role="alert">${e.imageUrls}</span>` : nothing}
        </fieldset>
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save details"}</button>
      </form>`;
  }

  #imagesChanged = (e: Event) => {
    this.#images = [...(e.target as ImageUploads).images];
  };

  /** The venue's position as typed, or undefined while it is not a whole one. */
  #position(form: HTMLFormElement): { lat: number; lng: number } | undefined {
    const lat = (form.elements.namedItem("venueLat") as HTMLInputElement).value;
    const lng = (form.elements.namedItem("venueLng") as HTMLInputElement).value;
    const p = { lat: Number(lat), lng: Number(lng) };
    return lat && lng && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180 ? p : undefined;
  }

  #typedPosition = (e: Event) => {
    const form = (e.target as HTMLInputElement).form;
    const p = form ? this.#position(form) : undefined;
    if (p) this.#map?.setLocation(p.lat, p.lng);
  };

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const container = this.renderRoot.querySelector<HTMLElement>("#location-map");
    if (!container || this.#mapLoad) return;
    const venue = this.#event?.venue;
    this.#mapLoad = import("./place-map.js")
      .then(({ LocationMap }) => {
        if (!this.isConnected) return;
        this.#map = new LocationMap(container, {
          location: venue?.lat != null && venue.lng != null ? { lat: venue.lat, lng: venue.lng } : DEFAULT_POSITION,
          others: [],
          tileUrl: TILE_URL,
          onMove: (lat, lng) => {
            const form = container.closest("form");
            for (const [name, value] of [
              ["venueLat", lat],
              ["venueLng", lng],
            ] as const) {
              const input = form?.elements.namedItem(name) as HTMLInputElement | null;
              if (input) input.value = String(value);
            }
            if (form) this.#checkPosition(form);
            const { venueLat: _, venueLng: __, ...rest } = this.#form.errors;
            this.#form.errors = rest;
            this.requestUpdate();
          },
        });
      })
      .catch(() => {
        this.#mapFailed = true;
        this.requestUpdate();
      });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#map?.destroy();
    this.#map = undefined;
    this.#mapLoad = undefined;
  }

  /** Latitude and longitude: both or neither, each in its range. */
  #checkPosition(form: HTMLFormElement) {
    const lat = form.elements.namedItem("venueLat") as HTMLInputElement;
    const lng = form.elements.namedItem("venueLng") as HTMLInputElement;
    const one = !!lat.value !== !!lng.value;
    lat.setCustomValidity(
      lat.value && Math.abs(Number(lat.value)) > 90
        ? "Between −90 and 90."
        : one && !lat.value
          ? "Give the latitude too, or clear the longitude."
          : "",
    );
    lng.setCustomValidity(
      lng.value && Math.abs(Number(lng.value)) > 180
        ? "Between −180 and 180."
        : one && !lng.value
          ? "Give the longitude too, or clear the latitude."
          : "",
    );
  }

  /** The browser's checks plus this form's own: a known time zone, end after start, slugs, a two-letter country, a whole position. */
  #checkDetails = (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const el = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
    const tz = el("timeZone");
    tz?.setCustomValidity(!tz.value || isTimeZone(tz.value) ? "" : "Not a time zone: use an IANA name such as Europe/Lisbon.");
    const start = el("startsAt");
    const end = el("endsAt");
    end?.setCustomValidity(start?.value && end.value && end.value <= start.value ? "Ends after it starts." : "");
    const hold = el("holdMinutes");
    hold?.setCustomValidity(hold.value && Number(hold.value) > 60 ? "At most 60 minutes." : "");
    const cats = el("categories");
    const bad = categoriesOf(cats?.value).find((c) => !CATEGORY.test(c));
    cats?.setCustomValidity(bad ? `“${bad}” is not a slug: lower-case letters, digits and dashes.` : "");
    const country = el("venueCountry");
    country?.setCustomValidity(country.value && !/^[A-Za-z]{2}$/.test(country.value.trim()) ? "Two letters, e.g. PT." : "");
    this.#checkPosition(form);
    const venue = el("venueName");
    const placed = VENUE_INPUTS.some((n) => el(n)?.value.trim());
    venue?.setCustomValidity(!venue.value.trim() && placed ? "Name the venue of this address or position." : "");
    for (const n of ["endsAt", "venueLat", "venueLng", "venueName"]) this.#form.recheck(e, el(n));
    this.#form.check(e);
  };

  #save = async (e: SubmitEvent) => {
    const ev = this.#event;
    if (!ev) return;
    this.#checkDetails(e);
    const ok = await this.#form.submit(e, async (v) => {
      const venueName = (v.venueName ?? "").trim();
      const capacity = (v.capacity ?? "").trim();
      const zone = v.timeZone ?? ev.timeZone;
      const line = (k: string) => v[k]?.trim() || null;
      const contact = { name: line("contactName"), email: line("contactEmail") };
      this.#event = await gk.events.update(ev.id, {
        title: v.title ?? "",
        description: v.description ?? "",
        venue: venueName
          ? {
              name: venueName,
              address: {
                line1: line("venueLine1"),
                line2: line("venueLine2"),
                city: line("venueCity"),
                region: line("venueRegion"),
                postalCode: line("venuePostalCode"),
                country: line("venueCountry")?.toUpperCase() ?? null,
              },
              lat: v.venueLat ? Number(v.venueLat) : null,
              lng: v.venueLng ? Number(v.venueLng) : null,
            }
          : null,
        timeZone: v.timeZone ?? "",
        // The times as typed, in the zone the form names (the new one when it changes).
        startsAt: isoIn(v.startsAt, zone),
        endsAt: isoIn(v.endsAt, zone),
        capacity: capacity ? Number(capacity) : null,
        holdMinutes: Number(v.holdMinutes),
        categories: categoriesOf(v.categories),
        contact: contact.name || contact.email ? contact : null,
        imageUrls: this.#images,
      });
      this.#images = [...this.#event.imageUrls];
    });
    this.#form.errors = onInputs(this.#form.errors, EVENT_FIELDS);
    if (ok) this.#say("Details saved.");
    else this.requestUpdate();
  };

  #ticketTypes(ev: TicketedEvent) {
    const t = this.#editing;
    const f = this.#typeForm;
    return html`<h2>Ticket types</h2>
      ${
        this.#types.length === 0
          ? html`<p class="muted">No ticket types yet: add one on <a href="${BASE}/events/${ev.id}">the event's page</a>.</p>`
          : html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Ticket types of this event</caption>
          <thead><tr><th>Name</th><th>Price</th><th class="optional">Quantity</th><th>Remaining</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${this.#types.map(
              (x) => html`<tr>
                <td>${x.name}${x.hidden ? html` <span class="muted">(hidden)</span>` : nothing}</td>
                <td>${x.price === 0 ? "Free" : money(x.price, x.currency)}</td>
                <td class="optional">${x.quantity ?? "unlimited"}</td>
                <td>${x.remaining ?? "—"}</td>
                <td><div class="row">
                  <button class="secondary" aria-label="Edit ${x.name}" aria-expanded=${t?.id === x.id ? "true" : "false"} @click=${() => this.#edit(x)}>Edit</button>
                  <button class="danger" aria-label="Delete ${x.name}" @click=${() => this.#deleteType(x)}>Delete</button>
                </div></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`
      }
      ${
        t
          ? html`<form novalidate aria-label="Edit ticket type ${t.name}" @submit=${this.#saveType} @input=${this.#checkType} @focusout=${this.#checkType}>
          ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
          ${ticketTypeFields(ev, t, f)}
          <div class="row">
            <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save ticket type"}</button>
            <button type="button" class="secondary" @click=${() => this.#edit(undefined)}>Cancel</button>
          </div>
        </form>`
          : nothing
      }`;
  }

  async #edit(t: TicketType | undefined) {
    this.#editing = t?.id === this.#editing?.id ? undefined : t;
    this.#typeForm.errors = {};
    this.#typeForm.error = "";
    this.requestUpdate();
    await this.updateComplete;
    if (this.#editing) this.renderRoot.querySelector<HTMLInputElement>("form[aria-label^='Edit ticket type'] input")?.focus();
  }

  #checkType = (e: Event) => checkTicketType(e, this.#typeForm);

  #saveType = async (e: SubmitEvent) => {
    const ev = this.#event;
    const t = this.#editing;
    if (!ev || !t) return;
    const form = e.target as HTMLFormElement;
    this.#checkType(e);
    const ok = await this.#typeForm.submit(e, async (v) => {
      const updated = await gk.events.ticketTypes.update(ev.id, t.id, ticketTypeBody(v, form, ev));
      this.#types = this.#types.map((x) => (x.id === updated.id ? updated : x));
    });
    this.#typeForm.errors = onInputs(this.#typeForm.errors, TICKET_TYPE_INPUTS);
    if (ok) {
      this.#editing = undefined;
      this.#say(`${v(form, "name")} saved.`);
      void this.#loadQuotas();
    }
  };

  async #deleteType(t: TicketType) {
    if (!confirm(`Delete the ticket type “${t.name}”? This cannot be undone.`)) return;
    try {
      await gk.events.ticketTypes.del(this.eventId, t.id);
      this.#types = this.#types.filter((x) => x.id !== t.id);
      if (this.#editing?.id === t.id) this.#editing = undefined;
      this.#say(`${t.name} deleted.`);
      void this.#loadQuotas();
    } catch (err) {
      this.#notice = "";
      this.#actionError = `Could not delete ${t.name}: ${describe(err)}`;
      this.requestUpdate();
    }
  }

  #quotaSection() {
    const f = this.#quotaForm;
    const list = this.#quotas;
    return html`<h2>Quotas</h2>
      <p class="muted">A quota is a number of places several ticket types share (a hall, early birds across types).</p>
      ${
        this.#quotaError
          ? html`<div class="error" role="alert">Could not load the quotas: ${this.#quotaError}
            <button class="secondary" @click=${() => this.#loadQuotas()}>Retry</button></div>`
          : !list
            ? html`<p role="status">Loading quotas…</p>`
            : list.length === 0
              ? html`<p class="muted">No quotas yet.</p>`
              : html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Quotas of this event</caption>
          <thead><tr><th>Name</th><th>Used</th><th>Remaining</th><th class="optional">Ticket types</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${list.map(
              (q) => html`<tr>
                <td>${q.name}</td>
                <td data-testid="quota-used">${q.used} of ${q.size}</td>
                <td>${q.remaining}</td>
                <td class="optional">${this.#types
                  .filter((t) => q.ticketTypeIds.includes(t.id))
                  .map((t) => t.name)
                  .join(", ")}</td>
                <td><div class="row">
                  <button class="secondary" aria-label="Edit quota ${q.name}" aria-expanded=${this.#editingQuota?.id === q.id ? "true" : "false"} @click=${() => this.#editQuota(q)}>Edit</button>
                  <button class="danger" aria-label="Delete quota ${q.name}" @click=${() => this.#deleteQuota(q)}>Delete</button>
                </div></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`
      }
      ${this.#quotaEdit()}
      ${
        this.#types.length === 0
          ? nothing
          : html`<form novalidate aria-label="New quota" @submit=${this.#addQuota} @input=${this.#checkQuota} @focusout=${f.check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Quota name", name: "qName", required: true, error: f.errors.qName })}
        ${field({ label: "Size", name: "qSize", type: "number", min: "0", step: "1", required: true, error: f.errors.qSize, hint: "Places shared by the ticket types below." })}
        <fieldset aria-describedby=${f.errors.ticketTypeIds ? "quota-types-error" : nothing}>
          <legend>Ticket types that draw on it</legend>
          ${this.#types.map((t) => html`<label class="inline"><input type="checkbox" name="ticketTypeIds" value=${t.id} /> ${t.name}</label>`)}
          ${f.errors.ticketTypeIds ? html`<span class="field-error" id="quota-types-error">${f.errors.ticketTypeIds}</span>` : nothing}
        </fieldset>
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Adding…" : "Add quota"}</button>
      </form>`
      }`;
  }

  #quotaEdit() {
    const q = this.#editingQuota;
    if (!q) return nothing;
    const f = this.#quotaEditForm;
    return html`<form novalidate aria-label="Edit quota ${q.name}" @submit=${this.#saveQuota} @input=${this.#checkQuotaEdit} @focusout=${this.#checkQuotaEdit}>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
      ${field({ label: "Quota name", name: "eqName", value: q.name, required: true, error: f.errors.eqName })}
      ${field({ label: "Size", name: "eqSize", type: "number", min: "0", step: "1", value: String(q.size), required: true, error: f.errors.eqSize, hint: `Not below the ${q.used} held or sold.` })}
      <fieldset aria-describedby=${f.errors.eqTypes ? "quota-edit-types-error" : "quota-edit-types-hint"}>
        <legend>Ticket types that draw on it</legend>
        ${this.#types.map((t) => html`<label class="inline"><input type="checkbox" name="eqTypes" value=${t.id} .checked=${q.ticketTypeIds.includes(t.id)} /> ${t.name}</label>`)}
        <span class="muted" id="quota-edit-types-hint">What the types picked hold or sold must fit the size.</span>
        ${f.errors.eqTypes ? html`<span class="field-error" id="quota-edit-types-error">${f.errors.eqTypes}</span>` : nothing}
      </fieldset>
      <div class="row">
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save quota"}</button>
        <button type="button" class="secondary" @click=${() => this.#editQuota(undefined)}>Cancel</button>
      </div>
    </form>`;
  }

  async #editQuota(q: Quota | undefined) {
    this.#editingQuota = q?.id === this.#editingQuota?.id ? undefined : q;
    this.#quotaEditForm.errors = {};
    this.#quotaEditForm.error = "";
    this.requestUpdate();
    await this.updateComplete;
    if (this.#editingQuota) this.renderRoot.querySelector<HTMLInputElement>("#f-eqName")?.focus();
  }

  /** As the organizer ticks: at least one ticket type. */
  #checkQuotaEdit = (e: Event) => {
    const input = e.target as HTMLInputElement;
    if (input.name !== "eqTypes") return this.#quotaEditForm.check(e);
    const { eqTypes: _, ...rest } = this.#quotaEditForm.errors;
    const none = this.#picked(e.currentTarget as HTMLFormElement, "eqTypes").length === 0;
    this.#quotaEditForm.errors = none ? { ...rest, eqTypes: "Pick at least one ticket type." } : rest;
    this.requestUpdate();
  };

  #saveQuota = async (e: SubmitEvent) => {
    const q = this.#editingQuota;
    if (!q) return;
    const form = e.target as HTMLFormElement;
    const ticketTypeIds = this.#picked(form, "eqTypes");
    if (ticketTypeIds.length === 0) {
      e.preventDefault();
      this.#quotaEditForm.errors = { ...this.#quotaEditForm.errors, eqTypes: "Pick at least one ticket type." };
      this.requestUpdate();
      form.querySelector<HTMLInputElement>("input[name=eqTypes]")?.focus();
      return;
    }
    const same = ticketTypeIds.length === q.ticketTypeIds.length && ticketTypeIds.every((id) => q.ticketTypeIds.includes(id));
    let saved: Quota | undefined;
    const ok = await this.#quotaEditForm.submit(e, async (v) => {
      saved = await gk.events.quotas.update(this.eventId, q.id, {
        name: v.eqName ?? "",
        size: Number(v.eqSize),
        ...(same ? {} : { ticketTypeIds }),
      });
    });
    this.#quotaEditForm.errors = onInputs(this.#quotaEditForm.errors, { name: "eqName", size: "eqSize", ticketTypeIds: "eqTypes" });
    if (ok && saved) {
      this.#editingQuota = undefined;
      this.#say(`Quota ${saved.name} saved.`);
      await this.#loadQuotas();
    } else this.requestUpdate();
  };

  async #deleteQuota(q: Quota) {
    if (!confirm(`Delete the quota “${q.name}”? Its ticket types stop sharing its ${q.size} places; tickets already held or sold stay.`))
      return;
    try {
      await gk.events.quotas.del(this.eventId, q.id);
      if (this.#editingQuota?.id === q.id) this.#editingQuota = undefined;
      this.#say(`Quota ${q.name} deleted.`);
      await this.#loadQuotas();
    } catch (err) {
      this.#notice = "";
      this.#actionError = `Could not delete the quota ${q.name}: ${describe(err)}`;
      this.requestUpdate();
    }
  }

  #picked = (form: HTMLFormElement, name = "ticketTypeIds") =>
    [...form.querySelectorAll<HTMLInputElement>(`input[name=${name}]`)].filter((c) => c.checked).map((c) => c.value);

  #checkQuota = (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    if ((e.target as HTMLInputElement).name === "ticketTypeIds" && "ticketTypeIds" in this.#quotaForm.errors && this.#picked(form).length) {
      const { ticketTypeIds: _, ...rest } = this.#quotaForm.errors;
      this.#quotaForm.errors = rest;
      this.requestUpdate();
      return;
    }
    this.#quotaForm.check(e);
  };

  #addQuota = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const ticketTypeIds = this.#picked(form);
    if (form.checkValidity() && ticketTypeIds.length === 0) {
      e.preventDefault();
      this.#quotaForm.errors = { ticketTypeIds: "Pick at least one ticket type." };
      this.requestUpdate();
      form.querySelector<HTMLInputElement>("input[name=ticketTypeIds]")?.focus();
      return;
    }
    const ok = await this.#quotaForm.submit(e, async (v) => {
      await gk.events.quotas.create(this.eventId, { name: v.qName ?? "", size: Number(v.qSize), ticketTypeIds });
    });
    this.#quotaForm.errors = onInputs(this.#quotaForm.errors, { ticketTypeIds: "ticketTypeIds", name: "qName", size: "qSize" });
    if (ok) {
      const name = v(form, "qName");
      form.reset();
      this.#say(`Quota ${name} added.`);
      await this.#loadQuotas();
    } else this.requestUpdate();
  };
}

const v = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";

customElements.define("gk-dash-event-edit", EventEditPage);
