import type { Place, PlaceCreateParams, PlaceFeature, PlaceKind } from "@gatherkit/sdk";
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE, navigate } from "../router.js";
import { field, styles } from "../ui.js";
import { toMinor } from "./events.js";
import type { LocationMap } from "./place-map.js";

/** The map's tile URL, when the API was configured with one (MAP_TILE_URL; its origin is then in the CSP's img-src). */
const TILE_URL = document.querySelector<HTMLMetaElement>('meta[name="gk-map-tile-url"]')?.content || null;

const KINDS: Record<PlaceKind, string> = { parking: "Parking", venue: "Venue", room: "Room", desk: "Desk", other: "Other" };
const FEATURES: Record<PlaceFeature, string> = {
  covered: "Covered",
  cctv: "CCTV",
  ev_charging: "EV charging",
  accessible: "Accessible",
  height_limit: "Height limit",
  open_24_7: "Open 24/7",
  staffed: "Staffed",
  bike_parking: "Bike parking",
  wifi: "Wi-Fi",
  projector: "Projector",
  kitchen: "Kitchen",
  outdoor: "Outdoor",
};
const DAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
] as const;
type Day = (typeof DAYS)[number][0];
type Interval = { open: string; close: string };
type OpeningHours = NonNullable<Place["openingHours"]>;

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
/** Where a new place's pin starts when the organization has no place yet (the demo's Lisbon). */
const DEFAULT_LOCATION = { lat: 38.7107, lng: -9.1366 };

/** Minor units as the organizer types them (`2.4` for 240 cents). */
function major(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return "";
  const digits = new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return String(minor / 10 ** digits);
}

/**
 * Creates or edits a place: name, kind, description, address and location (latitude and
 * longitude fields, and a map, loaded on demand, where a click or a drag sets them), time zone,
 * capacity, pricing (per hour with a daily cap, or per slot with the slot's length and buffer),
 * opening hours per weekday with closed dates, features and booking rules. The fields check as
 * the organizer types; the API's field errors show at their fields after saving.
 */
export class PlaceEditPage extends LitElement {
  static override styles = [
    styles,
    css`
      form { max-width: 40rem; }
      fieldset { display: grid; gap: 0.75rem; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.75rem; margin: 0; min-width: 0; }
      legend { font-weight: 700; padding: 0 0.25rem; }
      .two { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); }
      .check { display: flex; gap: 0.5rem; align-items: center; font-weight: 400; }
      .check input { inline-size: auto; }
      .map { block-size: 16rem; border: 1px solid #8c959f; border-radius: 6px; background-color: #f6f8fa;
        background-image: linear-gradient(#d0d7de 1px, transparent 1px), linear-gradient(90deg, #d0d7de 1px, transparent 1px);
        background-size: 2rem 2rem; z-index: 0; }
      .hours { display: grid; gap: 0.5rem; }
      .day { display: grid; gap: 0.5rem; grid-template-columns: 8rem repeat(2, minmax(6rem, 1fr)); align-items: end; }
      .day .check { align-self: center; }
      @media (max-width: 30rem) { .day { grid-template-columns: 1fr 1fr; } .day .check { grid-column: 1 / -1; } }
      .features { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
      ul.dates { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.25rem; }
    `,
  ];
  static override properties = { placeId: { attribute: "place-id" } };
  declare placeId: string | undefined;

  #place: Place | undefined;
  #loadError = "";
  #ready = false;
  readonly #form = new FormState(this);
  #mode: "hourly" | "slot" = "hourly";
  #allDay = true;
  #closed: string[] = [];
  #closedError = "";
  #location = DEFAULT_LOCATION;
  #others: { lat: number; lng: number; name: string }[] = [];
  #map: LocationMap | undefined;
  #mapLoad: Promise<void> | undefined;
  #mapFailed = false;
  #tilesFailed = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#map?.destroy();
    this.#map = undefined;
    this.#mapLoad = undefined;
  }

  async #load() {
    try {
      const [place, others] = await Promise.all([
        this.placeId ? gk.places.retrieve(this.placeId) : Promise.resolve(undefined),
        gk.places.list({ limit: 100 }),
      ]);
      this.#others = others.data.filter((p) => p.id !== this.placeId).map((p) => ({ ...p.location, name: p.name }));
      if (place) {
        this.#place = place;
        this.#mode = place.pricing.mode;
        this.#allDay = place.openingHours === null;
        this.#closed = (place.openingHours?.exceptions ?? []).filter((e) => e.hours.length === 0).map((e) => e.date);
        this.#location = place.location;
      } else if (this.#others[0]) {
        this.#location = { lat: this.#others[0].lat, lng: this.#others[0].lng };
      }
      this.#ready = true;
    } catch (err) {
      this.#loadError = describe(err);
    }
    this.requestUpdate();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const container = this.renderRoot.querySelector<HTMLElement>("#location-map");
    if (!container || this.#mapLoad) return;
    this.#mapLoad = import("./place-map.js")
      .then(({ LocationMap }) => {
        if (!this.isConnected) return;
        this.#map = new LocationMap(container, {
          location: this.#location,
          others: this.#others,
          tileUrl: TILE_URL,
          onTilesFailed: () => {
            this.#tilesFailed = true;
            this.requestUpdate();
          },
          onMove: (lat, lng) => {
            this.#location = { lat, lng };
            this.#form.errors = Object.fromEntries(Object.entries(this.#form.errors).filter(([k]) => !k.startsWith("location.")));
            this.requestUpdate();
          },
        });
      })
      .catch(() => {
        this.#mapFailed = true;
        this.requestUpdate();
      });
  }

  override render() {
    const editing = this.placeId !== undefined;
    const back = editing
      ? html`<p><a href="${BASE}/places/${this.placeId}">← ${this.#place?.name ?? "Place"}</a></p>`
      : html`<p><a href="${BASE}/places">← Places</a></p>`;
    if (this.#loadError) return html`${back}<p class="error" role="alert">Could not load the place: ${this.#loadError}</p>`;
    if (!this.#ready) return html`${back}<p role="status">Loading…</p>`;
    const p = this.#place;
    const f = this.#form;
    const e = f.errors;
    const currency = p?.pricing.currency ?? "EUR";
    const pricing = p?.pricing;
    return html`${back}
      <h1>${editing ? `Edit ${p?.name}` : "New place"}</h1>
      <form novalidate aria-label=${editing ? "Edit the place" : "New place"} @submit=${this.#save} @input=${f.check} @focusout=${f.check}>
        ${f.error ? html`<p class="error" role="alert" tabindex="-1">${f.error}</p>` : nothing}
        <fieldset>
          <legend>The place</legend>
          ${field({ label: "Name", name: "name", value: p?.name ?? "", required: true, error: e.name })}
          <div class="two">
            <label for="f-kind">Kind
              <select id="f-kind" name="kind">
                ${Object.entries(KINDS).map(([k, label]) => html`<option value=${k} ?selected=${(p?.kind ?? "parking") === k}>${label}</option>`)}
              </select>
            </label>
            ${field({ label: "Capacity", name: "capacity", type: "number", min: "1", value: String(p?.capacity ?? 10), required: true, error: e.capacity, hint: "Spots or seats; 1 for a room." })}
          </div>
          <label for="f-description">Description
            <textarea id="f-description" name="description" rows="3" .value=${p?.description ?? ""}></textarea>
          </label>
          <label class="check"><input type="checkbox" name="active" .checked=${p?.active ?? true} /> Active (bookable and shown to visitors)</label>
        </fieldset>

        <fieldset>
          <legend>Address and location</legend>
          ${field({ label: "Street", name: "address.line1", value: p?.address.line1 ?? "", required: true, error: e["address.line1"], autocomplete: "address-line1" })}
          <div class="two">
            ${field({ label: "City", name: "address.city", value: p?.address.city ?? "", required: true, error: e["address.city"], autocomplete: "address-level2" })}
            ${field({ label: "Postal code", name: "address.postalCode", value: p?.address.postalCode ?? "", error: e["address.postalCode"], autocomplete: "postal-code" })}
            ${field({ label: "Country", name: "address.country", value: p?.address.country ?? "", required: true, error: e["address.country"], hint: "Two letters, e.g. PT." })}
          </div>
          <p class="muted" id="map-help">Click the map or drag its pin to set the location, or type it below.</p>
          <div class="map" id="location-map" aria-hidden="true"></div>
          ${this.#mapFailed ? html`<p class="muted">The map could not load; type the location.</p>` : nothing}
          ${
            TILE_URL
              ? html`<p class="muted" id="map-tiles">Map tiles from ${new URL(TILE_URL.replace("{s}", "a")).host}${this.#tilesFailed ? html`; <strong>some tiles could not load</strong>, so parts of the map show only the grid` : nothing}.</p>`
              : html`<p class="muted" id="map-tiles">No map tiles: this dashboard has no tile server configured (<code>MAP_TILE_URL</code>), so the map is a plain grid. The pin and the dots of your other places are where they are; use the fields below for an exact location.</p>`
          }
          <div class="two" @input=${this.#typedLocation}>
            ${field({ label: "Latitude", name: "location.lat", type: "number", step: "any", value: String(this.#location.lat), required: true, error: e["location.lat"] })}
            ${field({ label: "Longitude", name: "location.lng", type: "number", step: "any", value: String(this.#location.lng), required: true, error: e["location.lng"] })}
          </div>
          ${field({ label: "Time zone", name: "timeZone", value: p?.timeZone ?? localZone, required: true, error: e.timeZone, hint: "IANA name, e.g. Europe/Lisbon: opening hours and days are in it." })}
        </fieldset>

        <fieldset>
          <legend>Pricing</legend>
          <div class="two">
            <label for="f-mode">Booked
              <select id="f-mode" name="pricing.mode" @change=${(ev: Event) => this.#setMode((ev.target as HTMLSelectElement).value)}>
                <option value="hourly" ?selected=${this.#mode === "hourly"}>By the hour</option>
                <option value="slot" ?selected=${this.#mode === "slot"}>By time slot</option>
              </select>
            </label>
            ${field({ label: "Currency", name: "pricing.currency", value: currency, required: true, error: e["pricing.currency"], hint: "ISO 4217, e.g. EUR." })}
          </div>
          ${
            this.#mode === "hourly"
              ? html`<div class="two">
                  ${field({ label: "Price per hour", name: "pricing.perHour", type: "number", step: "0.01", min: "0", value: major(pricing?.mode === "hourly" ? pricing.perHour : undefined, currency), required: true, error: e["pricing.perHour"] })}
                  ${field({ label: "Daily maximum", name: "pricing.dailyMax", type: "number", step: "0.01", min: "0", value: major(pricing?.mode === "hourly" ? pricing.dailyMax : undefined, currency), error: e["pricing.dailyMax"], hint: "Optional: the most one day costs." })}
                </div>`
              : html`<div class="two">
                  ${field({ label: "Price per slot", name: "pricing.perSlot", type: "number", step: "0.01", min: "0", value: major(pricing?.mode === "slot" ? pricing.perSlot : undefined, currency), required: true, error: e["pricing.perSlot"] })}
                  ${field({ label: "Slot length (minutes)", name: "slots.lengthMinutes", type: "number", min: "5", value: String(p?.slots?.lengthMinutes ?? 60), required: true, error: e["slots.lengthMinutes"] })}
                  ${field({ label: "Buffer after each booking (minutes)", name: "slots.bufferMinutes", type: "number", min: "0", value: String(p?.slots?.bufferMinutes ?? 0), error: e["slots.bufferMinutes"] })}
                </div>`
          }
        </fieldset>

        ${this.#renderHours(p?.openingHours ?? null, e)}

        <fieldset>
          <legend>Features</legend>
          <div class="features">
            ${Object.entries(FEATURES).map(
              ([k, label]) =>
                html`<label class="check"><input type="checkbox" name="features" value=${k} .checked=${p?.features.includes(k as PlaceFeature) ?? false} /> ${label}</label>`,
            )}
          </div>
        </fieldset>

        <fieldset>
          <legend>Booking rules</legend>
          <div class="two">
            ${field({ label: "Book up to (days ahead)", name: "horizonDays", type: "number", min: "1", value: String(p?.horizonDays ?? 90), required: true, error: e.horizonDays })}
            ${field({ label: "Book at least (minutes before)", name: "leadMinutes", type: "number", min: "0", value: String(p?.leadMinutes ?? 0), required: true, error: e.leadMinutes })}
            ${field({ label: "Free cancellation until (minutes before)", name: "freeCancellationMinutes", type: "number", min: "0", value: String(p?.freeCancellationMinutes ?? 0), required: true, error: e.freeCancellationMinutes })}
            ${field({ label: "Refund after that (%)", name: "lateRefundPercent", type: "number", min: "0", value: String(p?.lateRefundPercent ?? 0), required: true, error: e.lateRefundPercent })}
          </div>
          <label class="check"><input type="checkbox" name="onlinePayment" .checked=${p?.onlinePayment ?? false} /> Paid online (bookings wait for payment)</label>
          <label class="check"><input type="checkbox" name="reviewModeration" .checked=${p?.reviewModeration ?? true} /> Reviews wait for approval</label>
        </fieldset>

        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : editing ? "Save changes" : "Create place"}</button>
      </form>`;
  }

  #renderHours(hours: OpeningHours | null, e: Record<string, string>): TemplateResult {
    const first = (d: Day): Interval | undefined => hours?.weekly[d]?.[0];
    return html`<fieldset>
      <legend>Opening hours</legend>
      <label class="check"
        ><input type="checkbox" name="allDay" .checked=${this.#allDay} @change=${(ev: Event) => this.#setAllDay((ev.target as HTMLInputElement).checked)} />
        Open around the clock</label
      >
      ${
        this.#allDay
          ? nothing
          : html`<p class="muted" id="hours-help">In the place's time zone. A day not ticked is closed; closing at 23:59 means open until midnight.</p>
            <div class="hours">
              ${DAYS.map(([d, label]) => {
                const i = first(d);
                // A new schedule opens on weekdays 08:00–20:00; an existing one shows what is set.
                const on = hours ? i !== undefined : !["sat", "sun"].includes(d);
                const name = `openingHours.weekly.${d}.0`;
                return html`<div class="day" role="group" aria-label=${label}>
                  <label class="check"><input type="checkbox" name="open.${d}" .checked=${on} /> ${label}</label>
                  ${field({ label: "Opens", name: `${name}.open`, type: "time", value: i?.open ?? "08:00", error: e[`${name}.open`] })}
                  ${field({ label: "Closes", name: `${name}.close`, type: "time", value: i?.close === "24:00" ? "23:59" : (i?.close ?? "20:00"), error: e[`${name}.close`] ?? e[`openingHours.weekly.${d}`] })}
                </div>`;
              })}
            </div>
            <div class="row">
              <label for="f-closed">Closed on (a holiday)
                <input id="f-closed" type="date" aria-invalid=${this.#closedError ? "true" : "false"} aria-describedby=${this.#closedError ? "f-closed-error" : nothing} />
                ${this.#closedError ? html`<span class="field-error" id="f-closed-error">${this.#closedError}</span>` : nothing}
              </label>
              <button type="button" class="secondary" @click=${this.#addClosed}>Add closed date</button>
            </div>
            ${
              this.#closed.length
                ? html`<ul class="dates" aria-label="Closed dates">
                  ${this.#closed.map(
                    (date) => html`<li class="row">${date}
                      <button type="button" class="secondary" aria-label="Remove the closed date ${date}" @click=${() => this.#removeClosed(date)}>Remove</button></li>`,
                  )}
                </ul>`
                : nothing
            }
            ${e["openingHours.exceptions"] ? html`<p class="field-error">${e["openingHours.exceptions"]}</p>` : nothing}`
      }
    </fieldset>`;
  }

  #setMode(mode: string) {
    this.#mode = mode === "slot" ? "slot" : "hourly";
    this.requestUpdate();
  }

  #setAllDay(on: boolean) {
    this.#allDay = on;
    this.requestUpdate();
  }

  #typedLocation = (ev: Event) => {
    const input = ev.target as HTMLInputElement;
    const n = Number(input.value);
    if (input.value === "" || Number.isNaN(n)) return;
    const next = input.name === "location.lat" ? { ...this.#location, lat: n } : { ...this.#location, lng: n };
    if (Math.abs(next.lat) > 90 || Math.abs(next.lng) > 180) return;
    this.#location = next;
    this.#map?.setLocation(next.lat, next.lng);
  };

  #addClosed = () => {
    const input = this.renderRoot.querySelector<HTMLInputElement>("#f-closed");
    const date = input?.value ?? "";
    this.#closedError = !date ? "Pick a date first." : this.#closed.includes(date) ? "That date is already closed." : "";
    if (!this.#closedError) {
      this.#closed = [...this.#closed, date].sort();
      if (input) input.value = "";
    }
    this.requestUpdate();
  };

  #removeClosed(date: string) {
    this.#closed = this.#closed.filter((d) => d !== date);
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>("#f-closed")?.focus());
  }

  /** The form as the API takes it (a whole place: an update replaces what it sends). */
  #body(form: HTMLFormElement): PlaceCreateParams {
    const data = new FormData(form);
    const s = (k: string) => String(data.get(k) ?? "").trim();
    const n = (k: string) => Number(s(k));
    const on = (k: string) => data.get(k) === "on";
    const currency = s("pricing.currency").toUpperCase();
    const old = this.#place?.openingHours;
    const weekly = Object.fromEntries(
      DAYS.map(([d]) => {
        const rest = old?.weekly[d]?.slice(1) ?? [];
        const close = s(`openingHours.weekly.${d}.0.close`);
        return [
          d,
          on(`open.${d}`) ? [{ open: s(`openingHours.weekly.${d}.0.open`), close: close === "23:59" ? "24:00" : close }, ...rest] : [],
        ];
      }),
    ) as OpeningHours["weekly"];
    // Closed dates are edited here; other exceptions (special hours set through the API) are kept.
    const special = (old?.exceptions ?? []).filter((x) => x.hours.length > 0 && !this.#closed.includes(x.date));
    return {
      name: s("name"),
      kind: s("kind") as PlaceKind,
      description: s("description"),
      active: on("active"),
      capacity: n("capacity"),
      address: {
        line1: s("address.line1"),
        city: s("address.city"),
        ...(s("address.postalCode") ? { postalCode: s("address.postalCode") } : {}),
        country: s("address.country").toUpperCase(),
      },
      location: { lat: n("location.lat"), lng: n("location.lng") },
      timeZone: s("timeZone"),
      pricing:
        this.#mode === "hourly"
          ? {
              mode: "hourly",
              currency,
              perHour: toMinor(s("pricing.perHour"), currency),
              dailyMax: s("pricing.dailyMax") ? toMinor(s("pricing.dailyMax"), currency) : null,
            }
          : { mode: "slot", currency, perSlot: toMinor(s("pricing.perSlot"), currency) },
      slots: this.#mode === "slot" ? { lengthMinutes: n("slots.lengthMinutes"), bufferMinutes: n("slots.bufferMinutes") } : null,
      openingHours: this.#allDay
        ? null
        : {
            weekly,
            exceptions: [...special, ...this.#closed.map((date) => ({ date, hours: [] }))].sort((a, b) => a.date.localeCompare(b.date)),
          },
      features: data.getAll("features").map(String) as PlaceFeature[],
      horizonDays: n("horizonDays"),
      leadMinutes: n("leadMinutes"),
      freeCancellationMinutes: n("freeCancellationMinutes"),
      lateRefundPercent: n("lateRefundPercent"),
      onlinePayment: on("onlinePayment"),
      reviewModeration: on("reviewModeration"),
    };
  }

  #save = async (ev: SubmitEvent) => {
    const form = ev.target as HTMLFormElement;
    let saved: Place | undefined;
    const ok = await this.#form.submit(ev, async () => {
      const body = this.#body(form);
      saved = this.placeId ? await gk.places.update(this.placeId, body) : await gk.places.create(body);
    });
    if (ok && saved) {
      navigate(`${BASE}/places/${saved.id}`);
      return;
    }
    // The API's refusal: focus its first field with an error, else the message.
    await this.updateComplete;
    (
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]') ?? this.renderRoot.querySelector<HTMLElement>('[role="alert"]')
    )?.focus();
  };
}

customElements.define("gk-dash-place-edit", PlaceEditPage);
