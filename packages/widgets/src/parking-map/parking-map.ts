import type { Booking, Place, PlaceSearchResult } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { ConfigurationError } from "../base/errors.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { TaskStatus } from "../base/task.js";
import { BookingPayment } from "../internal/payments/booking-payment.js";
import { placesOf } from "../internal/places/api.js";
import { type BookingCompleteDetail, type BookingFields, renderBookingForm, renderConfirmation } from "../internal/places/booking.js";
import { placesStyles } from "../internal/places/places.styles.js";
import { overlaps, PlaceRooms } from "../internal/places/rooms.js";
import { currencyDigits, formatDuration, formatInstantRange, formatMoney } from "../internal/plans/format.js";
import type { PlacesMap } from "./leaflet-map.js";
import { PARKING_MAP_LOCALES, PARKING_MAP_STRINGS, type ParkingMapStrings } from "./parking-map.strings.js";
import { parkingMapStyles } from "./parking-map.styles.js";
import { PlaceDetails } from "./place-details.js";
import { renderWindowForm } from "./window-form.js";

export type { BookingCompleteDetail } from "../internal/places/booking.js";
export { PARKING_MAP_STRINGS, type ParkingMapStrings } from "./parking-map.strings.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-parking-map": GkParkingMap;
  }
}

/** At most this many places are followed live (one room each). */
const LIVE_LIMIT = 25;
const HOUR = 3_600_000;

/** "38.71,-9.14" as `[lat, lng]`, or undefined. */
function parseCenter(value: string | undefined): [number, number] | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value ?? "");
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lng = Number(m[2]);
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? [lat, lng] : undefined;
}

/**
 * Parking (or any bookable place) near a point: a map with a marker per place showing its live
 * free spots, and the same places as a list, which is the way through for keyboard and
 * screen-reader users (and when map tiles cannot load). The visitor picks a time window, sees
 * each place's free spots and price for it, and books a spot with a name, email, phone and plate;
 * the confirmation shows the booking's reference. Free counts follow other people's bookings live.
 *
 * The map (Leaflet) loads on demand after the first render, so it never delays the list. It
 * shows tiles only from `tile-url`; without one, the markers sit on a plain background and the
 * widget makes no request beyond your Gatherkit API.
 *
 * ```html
 * <gk-parking-map api-base="https://api.example.com" publishable-key="gk_pk_…" center="38.7107,-9.1366" radius-km="2"
 *   tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png" tile-attribution="© OpenStreetMap contributors"></gk-parking-map>
 * ```
 *
 * @tag gk-parking-map
 * @summary A map and list of places near a point with live free spots, prices and booking.
 *
 * @event {CustomEvent<BookingCompleteDetail>} gk-booking-complete - The API confirmed a booking (at once, or after its online payment): `{ booking, place }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - The search failed.
 *
 * @csspart frame - Everything: the window picker, the map and list, the booking form; paints the surface.
 * @csspart window - The search form: the time window and the filters (with `field`, `input` and `button` parts).
 * @csspart filters - The filters' disclosure (`filters-toggle` opens it): kind, sort, maximum price, "only with a free spot", and the `feature-filter` checkboxes.
 * @csspart map - The map (Leaflet's container).
 * @csspart map-notice - Why the map shows no tiles, when they failed to load.
 * @csspart summary - How many places were found for the window.
 * @csspart list - The list of places.
 * @csspart place - One place in the list (also `place-selected` for the one being booked).
 * @csspart place-name - A place's name.
 * @csspart rating - Its rating from approved reviews ("Rated 4.5 of 5 (12 reviews)"), when it has any.
 * @csspart description - Its description, when it has one.
 * @csspart features - Its features ("Covered · EV charging").
 * @csspart details - "Photos and reviews" (`details-toggle` opens it): its `photo`s and newest approved `reviews`, each a `review` with the operator's `reply`.
 * @csspart free - Its free spots for the window (also `full` when none).
 * @csspart price - Its price for the window, or "Not bookable for this window" (closed then, or booked by slot).
 * @csspart book-button - Opens the booking form for a place.
 * @csspart booking - The booking form's section, with `booking-title`, `booking-summary`, `booking-form`, `field`, `input`, `submit-button`, `cancel-button`.
 * @csspart form-error - Why the API refused the booking.
 * @csspart payment - A booking waiting for its online payment: `payment-title`, the `pay-link` (the payment page, in a new tab) and `paid-button` ("I have paid"), or Stripe's Payment Element (`payment-form`, `payment-element`, `pay-button`).
 * @csspart confirmation - The confirmation, with `confirmation-title`, `reference` and `done-button`.
 *
 * @cssproperty --gk-parking-map-height - Height of the map (default 20rem).
 * @cssproperty --gk-parking-map-pin - Colour of markers with free spots (default: the accent colour).
 */
export class GkParkingMap extends GkElement {
  static override styles = [GkElement.styles, placesStyles, parkingMapStyles];
  static override properties: PropertyDeclarations = {
    center: {},
    stripeJsUrl: { attribute: "stripe-js-url" },
    radiusKm: { attribute: "radius-km", type: Number },
    kind: {},
    features: {},
    available: { type: Boolean },
    sort: {},
    maxPrice: { attribute: "max-price", type: Number },
    start: {},
    durationMinutes: { attribute: "duration-minutes", type: Number },
    tileUrl: { attribute: "tile-url" },
    tileAttribution: { attribute: "tile-attribution" },
    selected: { state: true },
    booked: { state: true },
    tilesFailed: { state: true },
    strings: { attribute: false },
  };

  /** The host's own sentences, over the locale's: `el.strings = { showPlaces: "Search" }` (keys of `PARKING_MAP_STRINGS`). Property only. */
  declare strings: Partial<ParkingMapStrings>;

  /**
   * Where Stripe.js is loaded from for a paid booking, instead of Stripe's own address: for a page
   * whose policy self-hosts it, or a stand-in in tests. Leave it out in production.
   */
  declare stripeJsUrl: string | undefined;
  /** Where to search around, as `"lat,lng"` in decimal degrees. */
  declare center: string | undefined;
  /** How far from the center, in km (default 2). */
  declare radiusKm: number;
  /** Only places of this kind (`parking`, `venue`, `room`, …); default: every kind. */
  declare kind: string | undefined;
  /** Only places with all of these features, comma-separated (`covered,ev_charging`). */
  declare features: string | undefined;
  /** Only places with a free spot for the whole window. The visitor can change it. */
  declare available: boolean;
  /** `distance` (default) or `price` (cheapest for the window first). */
  declare sort: "distance" | "price" | undefined;
  /** Only places whose price for the window is at most this, in whole units of its currency (`10`: €10.00). */
  declare maxPrice: number | undefined;
  /** Start of the time window (ISO 8601); default: the next full hour. The visitor can change it. */
  declare start: string;
  /** Length of the time window in minutes (default 120). */
  declare durationMinutes: number;
  /** Map tiles (`https://…/{z}/{x}/{y}.png`); default: none, markers on a plain background. */
  declare tileUrl: string | undefined;
  /** The tile provider's credit, shown as text in the map's corner. */
  declare tileAttribution: string | undefined;

  /** The place being booked, as it was when chosen (a new search does not take the form away). */
  declare protected selected: PlaceSearchResult | undefined;
  declare protected booked: BookingCompleteDetail | undefined;
  declare protected tilesFailed: boolean;

  /** Free counts the room told us about since the search (place id → free for the window). */
  readonly #free = new Map<string, number>();
  readonly #actions = new ActionController(this);
  readonly #strings = new Strings(this, PARKING_MAP_STRINGS, PARKING_MAP_LOCALES);
  readonly #details = new PlaceDetails(this, () => this.#places);
  readonly #payment = new BookingPayment(this, this.#actions, {
    places: () => this.#places,
    booked: () => this.booked,
    setBooked: (b) => {
      this.booked = b;
    },
    scriptUrl: () => this.stripeJsUrl,
    strings: () => this.#s,
  });
  #searchedAt = 0;
  #map: PlacesMap | undefined;
  #mapLoad: Promise<void> | undefined;
  #framed: unknown;

  readonly #rooms = new PlaceRooms(this, {
    onChange: (data) => {
      if (overlaps(data, this.#window)) void this.#recount(data.placeId);
    },
    onResync: (placeId) => void this.#recount(placeId),
  });

  readonly #search = this.load(
    () => [this.center, this.radiusKm, this.kind, this.features, this.start, this.durationMinutes, this.available, this.sort] as const,
    async (gk, [center, radiusKm, kind, features, start, , available, sort], { signal }) => {
      const point = parseCenter(center);
      if (!point) {
        throw new ConfigurationError(`<gk-parking-map> needs a center attribute: "lat,lng" in degrees, such as "38.7107,-9.1366".`);
      }
      this.#searchedAt = Date.now();
      const page = await placesOf(gk).search(
        {
          lat: point[0],
          lng: point[1],
          radiusKm,
          start,
          end: this.#end,
          limit: 50,
          ...(kind ? { kind: kind as Place["kind"] } : {}),
          ...(available ? { available: true } : {}),
          ...(sort === "price" ? { sort } : {}),
          // Checked by the API, which names the features it knows when one is not.
          ...(features?.trim() ? { features: features.split(",").map((f) => f.trim()) as Place["features"] } : {}),
        },
        { signal },
      );
      this.#free.clear();
      return page.data;
    },
  );

  constructor() {
    super();
    this.strings = {};
    this.radiusKm = 2;
    this.durationMinutes = 120;
    this.start = new Date(Math.ceil(Date.now() / HOUR) * HOUR).toISOString();
    this.tilesFailed = false;
    this.available = false;
  }

  get #s(): ParkingMapStrings {
    return this.#strings.value;
  }

  get #places() {
    const gk = this.gatherkit;
    return gk && placesOf(gk);
  }

  get #end(): string {
    return new Date(Date.parse(this.start) + this.durationMinutes * 60_000).toISOString();
  }

  get #window() {
    return { start: this.start, end: this.#end };
  }

  /** The search's results with the live free counts, within the maximum price. */
  get #results(): PlaceSearchResult[] {
    const data = this.#search.status === TaskStatus.COMPLETE ? (this.#search.value ?? []) : [];
    const max = this.maxPrice;
    return data
      .filter(
        (r) =>
          max === undefined || Number.isNaN(max) || (r.price !== null && r.price.amount <= max * 10 ** currencyDigits(r.price.currency)),
      )
      .map((r) => (this.#free.has(r.place.id) ? { ...r, freeCapacity: this.#free.get(r.place.id)! } : r));
  }

  /** Reads a place's free count for the window again (a booking changed it). */
  async #recount(placeId: string): Promise<void> {
    const gk = this.gatherkit;
    if (!gk) return;
    const window = this.#window;
    try {
      const a = await placesOf(gk).availability(placeId, window);
      if (window.start !== this.start || window.end !== this.#end) return; // the window changed meanwhile
      this.#free.set(placeId, a.freeCapacity);
      this.requestUpdate();
    } catch {
      // The count stays as it was; the next search or resync corrects it.
    }
  }

  override render() {
    const results = this.#results;
    const s = this.#s;
    return html`<div part="frame">
      ${renderWindowForm(this, s, this.resolvedLocale, (w) => {
        Object.assign(this, w);
        this.selected = undefined;
        this.booked = undefined;
      })}
      <div class="layout">
        <div class="map-box">
          <div part="map" role="region" aria-label=${s.mapLabel}></div>
          ${this.tilesFailed ? html`<p part="map-notice" class="muted">${s.mapFailed}</p>` : nothing}
        </div>
        <div class="results">
          ${this.renderTask(this.#search, {
            messages: { loading: s.searching, empty: s.none, loaded: s.found(results.length) },
            complete: () => this.#renderList(results),
          })}
        </div>
      </div>
      ${this.#renderPanel()}
    </div>`;
  }

  #renderList(results: PlaceSearchResult[]) {
    const s = this.#s;
    const locale = this.resolvedLocale;
    if (results.length === 0) return html`<p part="empty" class="muted">${s.noMatch}</p>`;
    const km = (n: number) =>
      new Intl.NumberFormat(locale, {
        style: "unit",
        unit: "kilometer",
        maximumFractionDigits: 1,
        minimumFractionDigits: n < 10 ? 1 : 0,
      }).format(n);
    return html`<p part="summary" class="muted">
        ${s.summary(results.length, km(this.radiusKm), formatInstantRange(this.start, this.#end, Intl.DateTimeFormat().resolvedOptions().timeZone, locale))}
      </p>
      <ul part="list" aria-label=${s.placesLabel}>
        ${repeat(
          results,
          (r) => r.place.id,
          (r) => {
            const p = r.place;
            const free = r.freeCapacity ?? 0;
            const full = free <= 0;
            // No price: the window cannot be one booking there (closed hours, a place booked by slot).
            const bookable = !full && r.price !== null;
            const average = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
              p.rating.average ?? 0,
            );
            return html`<li part="place${this.selected?.place.id === p.id ? " place-selected" : ""}" data-place-id=${p.id}>
              <h3 part="place-name">${p.name}</h3>
              <p class="muted">${p.address.line1}, ${p.address.city} · ${km(r.distanceKm)}</p>
              ${p.rating.count ? html`<p part="rating" class="muted">${s.rated(average, s.reviews(p.rating.count))}</p>` : nothing}
              ${p.description ? html`<p part="description">${p.description}</p>` : nothing}
              ${p.features.length ? html`<p part="features" class="muted">${p.features.map((f) => s.features[f] ?? f).join(" · ")}</p>` : nothing}
              ${p.images.length || p.rating.count ? this.#details.render(p, s) : nothing}
              <p part="free${full ? " full" : ""}">${full ? s.full : s.freeOf(free, p.capacity)}</p>
              ${
                r.price
                  ? html`<p part="price">${s.priceFor(formatMoney(r.price.amount, r.price.currency, locale), formatDuration(this.durationMinutes, locale))}</p>`
                  : html`<p part="price" class="muted">${s.notBookable}</p>`
              }
              <button part="button book-button" type="button" ?disabled=${!bookable} @click=${() => this.#select(r)}>
                ${full ? s.full : s.book}<span class="visually-hidden"> ${p.name}</span>
              </button>
            </li>`;
          },
        )}
      </ul>`;
  }

  #renderPanel() {
    const s = this.#s;
    const locale = this.resolvedLocale;
    const paying = this.#payment.render();
    if (paying) return paying;
    if (this.booked) {
      return renderConfirmation(this.booked.booking, this.booked.place, s, locale, () => {
        const id = this.booked?.place.id;
        this.booked = undefined;
        this.#actions.focusAfterUpdate(`[data-place-id="${id}"] [part~="book-button"]`);
      });
    }
    const chosen = this.selected;
    if (!chosen) return nothing;
    const price = chosen.price ? ` · ${formatMoney(chosen.price.amount, chosen.price.currency, locale)}` : "";
    return renderBookingForm({
      place: chosen.place,
      s,
      summary: `${formatInstantRange(this.start, this.#end, chosen.place.timeZone, locale)}${price}`,
      busy: this.#actions.busy("book"),
      problem: this.#actions.renderProblem("book"),
      onSubmit: (fields) => void this.#book(chosen.place, fields),
      onCancel: () => {
        this.selected = undefined;
        this.#actions.clear("book");
        this.#actions.focusAfterUpdate(`[data-place-id="${chosen.place.id}"] [part~="book-button"]`);
      },
    });
  }

  #select(result: PlaceSearchResult): void {
    this.selected = result;
    this.booked = undefined;
    this.#actions.clear("book");
    this.#actions.focusAfterUpdate('[part~="booking-form"] input[name="name"]');
  }

  async #book(place: Place, fields: BookingFields): Promise<void> {
    const gk = this.gatherkit;
    if (!gk) return;
    const booking = await this.#actions.run(
      "book",
      async (): Promise<Booking> => {
        const b = await placesOf(gk).bookings.create({
          placeId: place.id,
          start: this.start,
          durationMinutes: this.durationMinutes,
          ...fields,
        });
        this.selected = undefined;
        this.booked = { booking: b, place };
        return b;
      },
      // Refused (e.g. someone took the last spot meanwhile): show the place's count as it is now.
      {
        focus: (b) => (b.status === "pending_payment" ? "#payment-title" : "#confirmation-title"),
        onError: () => void this.#recount(place.id),
      },
    );
    if (!booking) return;
    if (booking.status === "confirmed") emit(this, "gk-booking-complete", { booking, place });
    void this.#recount(place.id);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const results = this.#results;
    const gk = this.gatherkit;
    this.#rooms.follow(
      gk && placesOf(gk),
      results.slice(0, LIVE_LIMIT).map((r) => r.place.id),
      this.#searchedAt,
    );
    if (changed.has("tileUrl") || changed.has("tileAttribution")) this.#dropMap();
    void this.#drawMap(results);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dropMap();
  }

  #dropMap(): void {
    this.#map?.destroy();
    this.#map = undefined;
    this.#mapLoad = undefined;
    this.#framed = undefined;
  }

  async #drawMap(results: PlaceSearchResult[]): Promise<void> {
    const container = this.renderRoot.querySelector<HTMLElement>('[part~="map"]');
    const center = parseCenter(this.center);
    if (!container || !center || !this.isConnected) return;
    this.#mapLoad ??= import("./leaflet-map.js").then(({ PlacesMap }) => {
      this.#map = new PlacesMap(container, {
        center,
        tileUrl: this.tileUrl,
        tileAttribution: this.tileAttribution,
        onSelect: (id) => {
          const r = this.#results.find((x) => x.place.id === id);
          if (r && (r.freeCapacity ?? 0) > 0 && r.price !== null) this.#select(r);
        },
        onTileError: () => {
          this.tilesFailed = true;
        },
      });
    });
    await this.#mapLoad;
    const map = this.#map;
    if (!map) return;
    // Frame the places when a new search came in; live count changes keep the view.
    const searched = this.#search.value;
    const frame = this.#framed !== searched;
    this.#framed = searched;
    map.show(
      results.map((r) => {
        const free = r.freeCapacity ?? 0;
        const s = this.#s;
        const price = r.price ? `, ${formatMoney(r.price.amount, r.price.currency, this.resolvedLocale)}` : "";
        return {
          id: r.place.id,
          lat: r.place.location.lat,
          lng: r.place.location.lng,
          label: s.free(free),
          title: `${r.place.name}: ${free > 0 ? s.freeOf(free, r.place.capacity) : s.full}${price}`,
          full: free <= 0,
          selected: r.place.id === this.selected?.place.id,
        };
      }),
      center,
      frame,
    );
  }
}

defineElement("gk-parking-map", GkParkingMap);
