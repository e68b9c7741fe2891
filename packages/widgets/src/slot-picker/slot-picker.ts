import type { Booking, Place, PlaceSlots } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues } from "lit";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { ConfigurationError } from "../base/errors.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { initialState, TaskStatus } from "../base/task.js";
import { BookingPayment } from "../internal/payments/booking-payment.js";
import { placesOf } from "../internal/places/api.js";
import { type BookingCompleteDetail, type BookingFields, renderBookingForm, renderConfirmation } from "../internal/places/booking.js";
import { placesStyles } from "../internal/places/places.styles.js";
import { PlaceRooms } from "../internal/places/rooms.js";
import { formatDuration, formatInstantRange, formatMoney } from "../internal/plans/format.js";
import { SLOT_PICKER_LOCALES, SLOT_PICKER_STRINGS, type SlotPickerStrings } from "./slot-picker.strings.js";
import { slotPickerStyles } from "./slot-picker.styles.js";

export type { BookingCompleteDetail } from "../internal/places/booking.js";
export { SLOT_PICKER_STRINGS, type SlotPickerStrings } from "./slot-picker.strings.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-slot-picker": GkSlotPicker;
  }
}

type Slot = PlaceSlots["slots"][number];
/** A week of slots: 7 days from `start`, each day's slots as the API listed them. */
interface Week {
  start: string;
  days: { date: string; slots: Slot[] }[];
}
/** A cell of the grid: a day (column) and a local start time (row). */
interface CellKey {
  date: string;
  time: string;
}
const DAY = 86_400_000;

/** Today's date (`2030-07-01`) in `timeZone`. */
const todayIn = (timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
/** `date` plus `days` (dates are calendar days, so this is done in UTC). */
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** The later of two dates (`YYYY-MM-DD` compare as strings). */
const notBefore = (date: string, earliest: string) => [date, earliest].sort()[1]!;
const dayLabel = (date: string, options: Intl.DateTimeFormatOptions, locale: string) =>
  new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
const longDay = (date: string, locale: string) => dayLabel(date, { weekday: "long", day: "numeric", month: "long" }, locale);
const timeRange = (slot: Slot, timeZone: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone }).formatRange(new Date(slot.start), new Date(slot.end));
/** A row's start time (`09:00`, a key) as the locale writes it. */
const rowTime = (time: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "UTC" }).format(new Date(`2000-01-01T${time}:00Z`));
/** A slot's local start time (`09:00`), the key of its row. */
const localTime = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(iso));
const isFree = (slot: Slot | undefined, now: number): boolean => !!slot && slot.freeCapacity > 0 && Date.parse(slot.start) > now;

/** Keys the grid answers, as a move: a column step, a row step, or an absolute place. */
const MOVES: Record<string, (c: number, r: number, rows: number, ctrl: boolean) => [number, number]> = {
  ArrowRight: (c, r) => [c + 1, r],
  ArrowLeft: (c, r) => [c - 1, r],
  ArrowDown: (c, r, n) => [c, Math.min(r + 1, n - 1)],
  ArrowUp: (c, r) => [c, Math.max(r - 1, 0)],
  Home: (_c, r, _n, ctrl) => (ctrl ? [0, 0] : [0, r]),
  End: (_c, r, n, ctrl) => (ctrl ? [6, n - 1] : [6, r]),
  PageDown: (c, r) => [c + 7, r],
  PageUp: (c, r) => [c - 7, r],
};

/**
 * Books a time slot at a room or venue (a place booked by slot): a week of the place's slots as
 * a grid (WAI-ARIA grid pattern: days are columns, start times rows, in the place's time zone).
 * One cell is in the tab order; the arrow keys move between days and slots (past the week's edge
 * to the next or previous week), Home/End to the row's first and last day (with Ctrl, the grid's
 * corners), Page Up/Down by a week; Enter or Space selects a free slot, which is announced, and
 * Tab goes on to the booking form (name, email, phone), then the confirmation. Slots others book
 * become "Full" live.
 *
 * ```html
 * <gk-slot-picker api-base="https://api.example.com" publishable-key="gk_pk_…" place="plc_…"></gk-slot-picker>
 * ```
 *
 * @tag gk-slot-picker
 * @summary A week of a room's or venue's free time slots as a keyboard grid, and booking one.
 *
 * @event {CustomEvent<BookingCompleteDetail>} gk-booking-complete - The API confirmed a booking (at once, or after its online payment): `{ booking, place }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading the place or its slots failed.
 *
 * @csspart title - The place's name.
 * @csspart week - The week's title ("1 – 7 July") between the `prev-week` and `next-week` buttons.
 * @csspart grid - The week's grid (a table), with `day-header` column headers and `time-header` row headers.
 * @csspart cell - Every cell; also `slot` (free: selectable), `slot-selected` (the selected one), `unavailable` (full, past or closed), `focus-cell` (the one in the tab order).
 * @csspart selection - The announcement of the selected slot.
 * @csspart slots-status - Loading, "No free slots this week", or why the slots could not load (with `retry-button`).
 * @csspart booking - The booking form's section (see `<gk-parking-map>`).
 * @csspart form-error - Why the API refused the booking.
 * @csspart payment - A booking waiting for its online payment: `payment-title`, the `pay-link` (the payment page, in a new tab) and `paid-button` ("I have paid"), or Stripe's Payment Element (`payment-form`, `payment-element`, `pay-button`).
 * @csspart confirmation - The confirmation, with `confirmation-title`, `reference` and `done-button`.
 */
export class GkSlotPicker extends GkElement {
  static override styles = [GkElement.styles, placesStyles, slotPickerStyles];
  static override properties: PropertyDeclarations = {
    place: {},
    stripeJsUrl: { attribute: "stripe-js-url" },
    date: {},
    focused: { state: true },
    weekStart: { state: true },
    chosen: { state: true },
    booked: { state: true },
    strings: { attribute: false },
  };

  /** The host's own sentences, over the locale's: `el.strings = { book: "Reserve" }` (keys of `SLOT_PICKER_STRINGS`). Property only. */
  declare strings: Partial<SlotPickerStrings>;

  /**
   * Where Stripe.js is loaded from for a paid booking, instead of Stripe's own address: for a page
   * whose policy self-hosts it, or a stand-in in tests. Leave it out in production.
   */
  declare stripeJsUrl: string | undefined;
  /** The place's id (`plc_…`); it must be booked by slot. */
  declare place: string | undefined;
  /** The first day shown (`2030-07-01`, a date at the place); default: today there. */
  declare date: string | undefined;

  /** The cell in the tab order (where the keyboard is); default: the week's first free slot. */
  declare protected focused: CellKey | undefined;
  declare protected weekStart: string | undefined;
  declare protected chosen: Slot | undefined;
  declare protected booked: BookingCompleteDetail | undefined;

  readonly #actions = new ActionController(this);
  readonly #strings = new Strings(this, SLOT_PICKER_STRINGS, SLOT_PICKER_LOCALES);
  readonly #payment = new BookingPayment(this, this.#actions, {
    places: () => {
      const gk = this.gatherkit;
      return gk && placesOf(gk);
    },
    booked: () => this.booked,
    setBooked: (b) => {
      this.booked = b;
    },
    scriptUrl: () => this.stripeJsUrl,
    strings: () => this.#s,
  });
  #loadedAt = 0;
  /** The keyboard moved: put focus on the focus cell once it is shown. */
  #refocus = false;

  readonly #place = this.load(
    () => [this.place] as const,
    async (gk, [id], { signal }) => {
      if (!id) throw new ConfigurationError("<gk-slot-picker> needs a place attribute: the place's id (plc_…).");
      this.#loadedAt = Date.now();
      return await placesOf(gk).retrieve(id, { signal });
    },
  );

  readonly #week = this.load(
    () => [this.#placeValue?.slots ? this.#placeValue.id : undefined, this.#placeValue && this.#weekStart] as const,
    async (gk, [id, start], { signal }): Promise<Week | typeof initialState> => {
      if (!id || !start) return initialState;
      const dates = Array.from({ length: 7 }, (_, i) => addDays(start, i));
      const days = await Promise.all(
        dates.map((date) =>
          placesOf(gk)
            .slots(id, date, { signal })
            .then((d) => ({ date, slots: d.slots })),
        ),
      );
      return { start, days };
    },
  );

  readonly #rooms = new PlaceRooms(this, {
    onChange: () => void this.#week.run(),
    onResync: () => void this.#week.run(),
  });

  constructor() {
    super();
    this.strings = {};
  }

  get #s(): SlotPickerStrings {
    return this.#strings.value;
  }

  get #placeValue(): Place | undefined {
    return this.#place.status === TaskStatus.COMPLETE ? this.#place.value : undefined;
  }

  get #today(): string | undefined {
    const p = this.#placeValue;
    return p && todayIn(p.timeZone);
  }

  /** The first of the 7 days shown: where the visitor moved the week, else the first day asked for (not past). */
  get #weekStart(): string {
    return this.weekStart ?? notBefore(this.date ?? this.#today!, this.#today!);
  }

  override render() {
    return this.renderTask(this.#place, {
      messages: { loading: this.#s.loadingPlace },
      complete: (place) => this.#renderPlace(place),
    });
  }

  #renderPlace(place: Place) {
    const s = this.#s;
    const locale = this.resolvedLocale;
    if (!place.slots) {
      return html`<p part="slots-status">${s.notBySlot(place.name)}</p>`;
    }
    const price = place.pricing.mode === "slot" ? formatMoney(place.pricing.perSlot, place.pricing.currency, locale) : undefined;
    const chosen = this.chosen;
    return html`<section class="picker" aria-labelledby="title">
      <h2 part="title" id="title">${place.name}</h2>
      ${price ? html`<p class="muted">${s.perSlot(price, formatDuration(place.slots.lengthMinutes, locale))}</p>` : nothing}
      ${this.#renderWeekBar()} ${this.#renderGrid(place)}
      <p part="selection" class="muted" role="status">
        ${chosen ? s.selected(longDay(this.#dateOf(chosen, place), locale), timeRange(chosen, place.timeZone, locale)) : ""}
      </p>
      ${this.#renderPanel(place, price)}
    </section>`;
  }

  #dateOf(slot: Slot, place: Place): string {
    return new Intl.DateTimeFormat("en-CA", { timeZone: place.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
      new Date(slot.start),
    );
  }

  #renderWeekBar() {
    const start = this.#weekStart;
    const s = this.#s;
    const label = new Intl.DateTimeFormat(this.resolvedLocale, { day: "numeric", month: "long", timeZone: "UTC" }).formatRange(
      new Date(`${start}T12:00:00Z`),
      new Date(`${addDays(start, 6)}T12:00:00Z`),
    );
    return html`<div class="week">
      <button
        part="button prev-week"
        class="secondary"
        type="button"
        aria-label=${s.previousWeek}
        ?disabled=${start <= this.#today!}
        @click=${() => this.#moveWeek(-7)}
      >
        ‹
      </button>
      <h3 part="week" id="week-title">${label}</h3>
      <button part="button next-week" class="secondary" type="button" aria-label=${s.nextWeek} @click=${() => this.#moveWeek(7)}>
        ›
      </button>
    </div>`;
  }

  /** The week on screen: the loaded one, or (while the same week reloads after a live change) the one before. */
  get #shownWeek(): Week | undefined {
    const v = this.#week.value;
    return v && typeof v === "object" && v.start === this.#weekStart && this.#week.status !== TaskStatus.ERROR ? v : undefined;
  }

  /** Rows: every local start time of the week, in order. */
  #times(week: Week, place: Place): string[] {
    const times = new Set(week.days.flatMap((d) => d.slots.map((s) => localTime(s.start, place.timeZone))));
    return [...times].sort();
  }

  #renderGrid(place: Place) {
    const task = this.#week;
    const s = this.#s;
    const locale = this.resolvedLocale;
    if (task.status === TaskStatus.ERROR) {
      return html`<div part="slots-status error" role="alert">
        <p>${this.errorMessage(task.error)}</p>
        <button part="button retry-button" type="button" @click=${() => void task.run()}>${s.retry}</button>
      </div>`;
    }
    const week = this.#shownWeek;
    if (!week) return html`<p part="slots-status" class="muted" role="status">${s.loadingSlots}</p>`;
    const now = Date.now();
    const times = this.#times(week, place);
    const anyFree = week.days.some((d) => d.slots.some((s) => isFree(s, now)));
    if (times.length === 0) return html`<p part="slots-status" class="muted" role="status">${s.closedWeek}</p>`;
    const byCell = new Map(week.days.flatMap((d) => d.slots.map((s) => [`${d.date} ${localTime(s.start, place.timeZone)}`, s] as const)));
    const focus = this.#focusFor(week, times, now, byCell);
    return html`${anyFree ? nothing : html`<p part="slots-status" class="muted" role="status">${s.noneFree}</p>`}
      <div class="grid-box">
        <table part="grid" role="grid" aria-labelledby="week-title" aria-describedby="grid-help" @keydown=${(e: KeyboardEvent) => this.#onKey(e, week, times, byCell)}>
          <thead>
            <tr role="row">
              <th role="columnheader" scope="col"><span class="visually-hidden">${s.startTime}</span></th>
              ${week.days.map(
                (d) => html`<th part="day-header" role="columnheader" scope="col" abbr=${longDay(d.date, locale)}>
                  <span aria-hidden="true">${dayLabel(d.date, { weekday: "short" }, locale)}<br />${dayLabel(d.date, { day: "numeric" }, locale)}</span
                  ><span class="visually-hidden">${longDay(d.date, locale)}</span>
                </th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${times.map(
              (time) => html`<tr role="row">
                <th part="time-header" role="rowheader" scope="row">${rowTime(time, locale)}</th>
                ${week.days.map((d) => this.#renderCell(place, { date: d.date, time }, byCell.get(`${d.date} ${time}`), focus, now))}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <p id="grid-help" class="visually-hidden">${s.gridHelp}</p>`;
  }

  #focusFor(week: Week, times: string[], now: number, byCell: Map<string, Slot>): CellKey {
    const f = this.focused;
    if (f && week.days.some((d) => d.date === f.date)) return { date: f.date, time: times.includes(f.time) ? f.time : times[0]! };
    for (const d of week.days) for (const time of times) if (isFree(byCell.get(`${d.date} ${time}`), now)) return { date: d.date, time };
    return { date: week.days[0]!.date, time: times[0]! };
  }

  #renderCell(place: Place, key: CellKey, slot: Slot | undefined, focus: CellKey, now: number) {
    const inTab = key.date === focus.date && key.time === focus.time;
    const free = isFree(slot, now);
    const selected = free && this.chosen?.start === slot?.start;
    const parts = ["cell", free ? "slot" : "unavailable", selected ? "slot-selected" : "", inTab ? "focus-cell" : ""]
      .filter(Boolean)
      .join(" ");
    const s = this.#s;
    const label = !slot
      ? s.closed
      : free
        ? place.capacity > 1
          ? s.free(slot.freeCapacity)
          : s.freeOne
        : Date.parse(slot.start) <= now
          ? s.past
          : s.full;
    return html`<td
      part=${parts}
      role="gridcell"
      tabindex=${inTab ? "0" : "-1"}
      data-date=${key.date}
      data-time=${key.time}
      data-start=${slot?.start ?? nothing}
      aria-selected=${free ? (selected ? "true" : "false") : nothing}
      aria-disabled=${free ? nothing : "true"}
      @click=${() => this.#select(key, slot)}
    >
      ${slot ? label : html`<span aria-hidden="true">–</span><span class="visually-hidden">${label}</span>`}
    </td>`;
  }

  #onKey(e: KeyboardEvent, week: Week, times: string[], byCell: Map<string, Slot>): void {
    const focus = this.#focusFor(week, times, Date.now(), byCell);
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.#select(focus, byCell.get(`${focus.date} ${focus.time}`));
      return;
    }
    const move = MOVES[e.key];
    if (!move) return;
    e.preventDefault();
    const col = week.days.findIndex((d) => d.date === focus.date);
    const [c, r] = move(col, times.indexOf(focus.time), times.length, e.ctrlKey || e.metaKey);
    this.#moveTo({ date: addDays(week.start, c), time: times[r]! });
  }

  /** Puts the keyboard on a cell, moving the week when the cell's day is outside it (never before today). */
  #moveTo(key: CellKey): void {
    const today = this.#today!;
    if (key.date < today) return;
    const start = this.#weekStart;
    if (key.date > addDays(start, 6)) this.weekStart = addDays(start, 7);
    else if (key.date < start) this.weekStart = notBefore(addDays(start, -7), today);
    this.focused = key;
    this.#refocus = true;
  }

  /** The week buttons: another week, its first free slot in the tab order. */
  #moveWeek(days: number): void {
    this.weekStart = notBefore(addDays(this.#weekStart, days), this.#today!);
    this.focused = undefined;
  }

  #select(key: CellKey, slot: Slot | undefined): void {
    this.focused = key;
    if (!slot || !isFree(slot, Date.now())) return;
    this.chosen = slot;
    this.booked = undefined;
    this.#actions.clear("book");
  }

  #renderPanel(place: Place, price: string | undefined) {
    const s = this.#s;
    const locale = this.resolvedLocale;
    const paying = this.#payment.render();
    if (paying) return paying;
    if (this.booked) {
      return renderConfirmation(this.booked.booking, place, s, locale, () => {
        this.booked = undefined;
        this.#refocus = true;
      });
    }
    const slot = this.chosen;
    if (!slot) return nothing;
    return renderBookingForm({
      place,
      s,
      summary: `${formatInstantRange(slot.start, slot.end, place.timeZone, locale)}${price ? ` · ${price}` : ""}`,
      busy: this.#actions.busy("book"),
      problem: this.#actions.renderProblem("book"),
      onSubmit: (fields) => void this.#book(place, slot, fields),
      onCancel: () => {
        this.chosen = undefined;
        this.#actions.clear("book");
        this.#refocus = true;
      },
    });
  }

  async #book(place: Place, slot: Slot, fields: BookingFields): Promise<void> {
    const gk = this.gatherkit;
    if (!gk) return;
    const booking = await this.#actions.run(
      "book",
      async (): Promise<Booking> => {
        const b = await placesOf(gk).bookings.create({ placeId: place.id, start: slot.start, ...fields });
        this.chosen = undefined;
        this.booked = { booking: b, place };
        return b;
      },
      // Someone else may have taken the slot: show the day as it is now.
      {
        focus: (b) => (b.status === "pending_payment" ? "#payment-title" : "#confirmation-title"),
        onError: () => void this.#week.run(),
      },
    );
    void this.#week.run();
    if (booking?.status === "confirmed") emit(this, "gk-booking-complete", { booking, place });
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const gk = this.gatherkit;
    const place = this.#placeValue;
    this.#rooms.follow(gk && placesOf(gk), place ? [place.id] : [], this.#loadedAt);
    if (this.#refocus && this.#shownWeek) {
      const cell = this.renderRoot.querySelector<HTMLElement>('[part~="focus-cell"]');
      if (cell) {
        this.#refocus = false;
        cell.focus();
      }
    }
  }
}

defineElement("gk-slot-picker", GkSlotPicker);
