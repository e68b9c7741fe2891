import type { Booking, Place, PlaceSlots } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { ConfigurationError, describeError } from "../base/errors.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { initialState, TaskStatus } from "../base/task.js";
import { placesOf } from "../internal/places/api.js";
import { type BookingCompleteDetail, type BookingFields, renderBookingForm, renderConfirmation } from "../internal/places/booking.js";
import { placesStyles } from "../internal/places/places.styles.js";
import { PlaceRooms } from "../internal/places/rooms.js";
import { formatInstantRange, formatMoney } from "../internal/plans/format.js";
import { slotPickerStyles } from "./slot-picker.styles.js";

export type { BookingCompleteDetail } from "../internal/places/booking.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-slot-picker": GkSlotPicker;
  }
}

type Slot = PlaceSlots["slots"][number];
const DAY = 86_400_000;

/** Today's date (`2030-07-01`) in `timeZone`. */
const todayIn = (timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
/** `date` plus `days` (dates are calendar days, so this is done in UTC). */
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** The later of two dates (`YYYY-MM-DD` compare as strings). */
const notBefore = (date: string, earliest: string) => [date, earliest].sort()[1]!;
const dayLabel = (date: string, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(undefined, { ...options, timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
const timeRange = (slot: Slot, timeZone: string) =>
  new Intl.DateTimeFormat(undefined, { timeStyle: "short", timeZone }).formatRange(new Date(slot.start), new Date(slot.end));

/**
 * Books a time slot at a room or venue (a place booked by slot): the visitor picks a day from a
 * week of days (arrow keys move between days), sees that day's free slots in the place's time
 * zone, picks one and books it with a name, email and phone, then sees the confirmation. Slots
 * others book disappear live.
 *
 * ```html
 * <gk-slot-picker api-base="https://api.example.com" publishable-key="gk_pk_…" place="plc_…"></gk-slot-picker>
 * ```
 *
 * @tag gk-slot-picker
 * @summary Free time slots of a room or venue by day, and booking one.
 *
 * @event {CustomEvent<BookingCompleteDetail>} gk-booking-complete - The API confirmed a booking: `{ booking, place }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading the place or its slots failed.
 *
 * @csspart title - The place's name.
 * @csspart days - The day picker (a radio group), with `day` (also `day-selected`), `prev-week` and `next-week`.
 * @csspart slots - The free slots of the day, each a `slot` button.
 * @csspart slots-status - Loading, "No free slots", or why the slots could not load (with `retry-button`).
 * @csspart booking - The booking form's section (see `<gk-parking-map>`).
 * @csspart form-error - Why the API refused the booking.
 * @csspart confirmation - The confirmation, with `confirmation-title`, `reference` and `done-button`.
 */
export class GkSlotPicker extends GkElement {
  static override styles = [GkElement.styles, placesStyles, slotPickerStyles];
  static override properties: PropertyDeclarations = {
    place: {},
    date: {},
    day: { state: true },
    weekStart: { state: true },
    chosen: { state: true },
    booked: { state: true },
  };

  /** The place's id (`plc_…`); it must be booked by slot. */
  declare place: string | undefined;
  /** The day shown first (`2030-07-01`, a date at the place); default: today there. */
  declare date: string | undefined;

  declare protected day: string | undefined;
  declare protected weekStart: string | undefined;
  declare protected chosen: Slot | undefined;
  declare protected booked: BookingCompleteDetail | undefined;

  readonly #actions = new ActionController(this);
  #loadedAt = 0;

  readonly #place = this.load(
    () => [this.place] as const,
    async (gk, [id], { signal }) => {
      if (!id) throw new ConfigurationError("<gk-slot-picker> needs a place attribute: the place's id (plc_…).");
      this.#loadedAt = Date.now();
      return await placesOf(gk).retrieve(id, { signal });
    },
  );

  readonly #slots = this.load(
    () => [this.#placeValue?.id, this.#day] as const,
    async (gk, [id, day], { signal }) => (id && day ? await placesOf(gk).slots(id, day, { signal }) : initialState),
  );

  readonly #rooms = new PlaceRooms(this, {
    onChange: () => void this.#slots.run(),
    onResync: () => void this.#slots.run(),
  });

  get #placeValue(): Place | undefined {
    return this.#place.status === TaskStatus.COMPLETE ? this.#place.value : undefined;
  }

  get #today(): string | undefined {
    const p = this.#placeValue;
    return p && todayIn(p.timeZone);
  }

  /** The first of the 7 days shown: where the visitor moved the week, else the first day shown. */
  get #weekStart(): string {
    return this.weekStart ?? notBefore(this.date ?? this.#today!, this.#today!);
  }

  get #day(): string | undefined {
    return this.day ?? this.date ?? this.#today;
  }

  override render() {
    return this.renderTask(this.#place, {
      messages: { loading: "Loading the place…" },
      complete: (place) => this.#renderPlace(place),
    });
  }

  #renderPlace(place: Place) {
    if (!place.slots) {
      return html`<p part="slots-status">${place.name} is not booked by time slot.</p>`;
    }
    const price = place.pricing.mode === "slot" ? formatMoney(place.pricing.perSlot, place.pricing.currency) : undefined;
    return html`<section class="picker" aria-labelledby="title">
      <h2 part="title" id="title">${place.name}</h2>
      ${price ? html`<p class="muted">${price} per slot of ${place.slots.lengthMinutes} min</p>` : nothing}
      ${this.#renderDays()} ${this.#renderSlots(place)} ${this.#renderPanel(place, price)}
    </section>`;
  }

  #renderDays() {
    const today = this.#today!;
    const day = this.#day!;
    const start = this.#weekStart;
    const days = Array.from({ length: 7 }, (_, i) => addDays(start, i));
    const keydown = (e: KeyboardEvent) => {
      const i = days.indexOf(day);
      const next =
        e.key === "ArrowRight" || e.key === "ArrowDown"
          ? i + 1
          : e.key === "ArrowLeft" || e.key === "ArrowUp"
            ? i - 1
            : e.key === "Home"
              ? 0
              : e.key === "End"
                ? 6
                : undefined;
      if (next === undefined) return;
      e.preventDefault();
      if (next < 0) this.#week(-7, 6);
      else if (next > 6) this.#week(7, 0);
      else this.#pick(days[next]!);
    };
    return html`<div class="days">
      <button
        part="button prev-week"
        class="secondary"
        type="button"
        aria-label="Previous week"
        ?disabled=${start <= today}
        @click=${() => this.#week(-7)}
      >
        ‹
      </button>
      <div part="days" role="radiogroup" aria-label="Day" @keydown=${keydown}>
        ${days.map(
          (d) => html`<button
            part="day${d === day ? " day-selected" : ""}"
            type="button"
            role="radio"
            data-date=${d}
            aria-checked=${d === day ? "true" : "false"}
            tabindex=${d === day ? "0" : "-1"}
            ?disabled=${d < today}
            aria-label=${dayLabel(d, { weekday: "long", day: "numeric", month: "long" })}
            @click=${() => this.#pick(d)}
          >
            <span aria-hidden="true">${dayLabel(d, { weekday: "short" })}<br />${dayLabel(d, { day: "numeric" })}</span>
          </button>`,
        )}
      </div>
      <button part="button next-week" class="secondary" type="button" aria-label="Next week" @click=${() => this.#week(7)}>›</button>
    </div>`;
  }

  /** Moves the week by `days`, selecting its day at `index` (keyboard) or its first day not past. */
  #week(days: number, index?: number): void {
    const today = this.#today!;
    const start = notBefore(addDays(this.#weekStart, days), today);
    this.weekStart = start;
    const pick = addDays(start, index ?? 0);
    this.#pick(notBefore(pick, today), index !== undefined);
  }

  #pick(day: string, focus = true): void {
    if (day < this.#today!) return;
    this.day = day;
    this.chosen = undefined;
    this.#actions.clear("book");
    if (focus) this.#actions.focusAfterUpdate(`[part~="day"][data-date="${day}"]`);
  }

  #renderSlots(place: Place) {
    const task = this.#slots;
    const day = this.#day!;
    const label = `Free slots on ${dayLabel(day, { weekday: "long", day: "numeric", month: "long" })}`;
    if (task.status === TaskStatus.ERROR) {
      return html`<div part="slots-status error" role="alert">
        <p>${describeError(task.error).message}</p>
        <button part="button retry-button" type="button" @click=${() => void task.run()}>Retry</button>
      </div>`;
    }
    if (task.status !== TaskStatus.COMPLETE) {
      return html`<p part="slots-status" class="muted" role="status">Loading the slots…</p>`;
    }
    const now = Date.now();
    const value = task.value;
    const free = (typeof value === "object" ? value.slots : []).filter((s) => s.freeCapacity > 0 && Date.parse(s.start) > now);
    if (free.length === 0) {
      return html`<p part="slots-status" class="muted" role="status">No free slots on this day.</p>`;
    }
    return html`<h3 id="slots-title" class="visually-hidden">${label}</h3>
      <ul part="slots" aria-labelledby="slots-title">
        ${repeat(
          free,
          (s) => s.start,
          (s) => html`<li>
            <button
              part="button slot${this.chosen?.start === s.start ? " slot-selected" : ""}"
              type="button"
              data-start=${s.start}
              aria-pressed=${this.chosen?.start === s.start ? "true" : "false"}
              @click=${() => this.#choose(s)}
            >
              ${timeRange(s, place.timeZone)}${place.capacity > 1 ? html`<span class="free"> · ${s.freeCapacity} free</span>` : nothing}
            </button>
          </li>`,
        )}
      </ul>`;
  }

  #choose(slot: Slot): void {
    this.chosen = slot;
    this.booked = undefined;
    this.#actions.clear("book");
    this.#actions.focusAfterUpdate('[part~="booking-form"] input[name="name"]');
  }

  #renderPanel(place: Place, price: string | undefined) {
    if (this.booked) {
      return renderConfirmation(this.booked.booking, place, () => {
        this.booked = undefined;
        this.#actions.focusAfterUpdate('[part~="day"][aria-checked="true"]');
      });
    }
    const slot = this.chosen;
    if (!slot) return nothing;
    return renderBookingForm({
      place,
      summary: `${formatInstantRange(slot.start, slot.end, place.timeZone)}${price ? ` · ${price}` : ""}`,
      busy: this.#actions.busy("book"),
      problem: this.#actions.renderProblem("book"),
      onSubmit: (fields) => void this.#book(place, slot, fields),
      onCancel: () => {
        this.chosen = undefined;
        this.#actions.clear("book");
        this.#actions.focusAfterUpdate(`[part~="slot"][data-start="${slot.start}"]`);
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
      { focus: "#confirmation-title", onError: () => void this.#slots.run() },
    );
    void this.#slots.run();
    if (booking) emit(this, "gk-booking-complete", { booking, place });
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const gk = this.gatherkit;
    const place = this.#placeValue;
    this.#rooms.follow(gk && placesOf(gk), place ? [place.id] : [], this.#loadedAt);
  }
}

defineElement("gk-slot-picker", GkSlotPicker);
