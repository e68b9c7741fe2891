import type { CheckinList, Order, RsvpSettings, TicketedEvent, TicketType } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { LiveController, newOnes, nowIn } from "../live.js";
import { BASE, navigate } from "../router.js";
import { dateTime, field, isTimeZone, ListController, styles } from "../ui.js";
import { defaultEventZone, isoIn } from "../zone.js";
import {
  checkTicketType,
  digits,
  newTicketTypeBody,
  onInputs,
  resetTicketTypeForm,
  TICKET_TYPE_INPUTS,
  ticketTypeFields,
} from "./event-form.js";

/** Amounts in minor units as the organizer reads them: `€25.00`. */
export function money(minor: number, currency: string): string {
  const f = new Intl.NumberFormat(undefined, { style: "currency", currency });
  return f.format(minor / 10 ** (f.resolvedOptions().maximumFractionDigits ?? 2));
}

/** A price typed in major units (`25.5`) in minor units of `currency` (2550). */
export function toMinor(major: string, currency: string): number {
  return Math.round(Number(major) * 10 ** digits(currency));
}

/** IANA zones the browser knows, as suggestions for a time zone field. */
const zones = (): string[] => (typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []);

/**
 * Events: the organization's events and a form for a new one (a draft until published). The new
 * event's times are typed in the zone its form names (the organization's by default, else the
 * browser's), whatever zone the browser is in.
 */
export class EventsPage extends LitElement {
  static override styles = styles;
  readonly #events = new ListController<TicketedEvent>(this, () => gk.events.list({ limit: 20 }));
  readonly #form = new FormState(this);
  /** The zone the times are typed in: the form's time zone field, once it names a known zone. */
  #zone = defaultEventZone();

  override render() {
    const f = this.#form;
    return html`<h1>Events</h1>
      ${this.#events.render({
        what: "events",
        empty: "No events yet. Create the first one below.",
        rows: (events) => html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Events of this organization</caption>
          <thead><tr><th>Title</th><th>Status</th><th>Sales</th><th class="optional">Starts</th></tr></thead>
          <tbody>
            ${events.map(
              (e) => html`<tr>
                <td><a href="${BASE}/events/${e.id}">${e.title}</a></td>
                <td>${e.status}</td>
                <td>${e.availability.replaceAll("_", " ")}</td>
                <td class="optional">${dateTime(e.startsAt, e.timeZone)}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      <h2>New event</h2>
      <form novalidate aria-label="New event" @submit=${this.#create} @input=${this.#check} @focusout=${this.#check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Title", name: "title", required: true, error: f.errors.title })}
        ${field({ label: "Time zone", name: "timeZone", value: this.#zone, required: true, list: "event-zones", error: f.errors.timeZone, hint: "IANA name, e.g. Europe/Lisbon: the event's times are in it." })}
        <datalist id="event-zones">${zones().map((z) => html`<option value=${z}></option>`)}</datalist>
        ${field({ label: "Starts", name: "startsAt", type: "datetime-local", required: true, error: f.errors.startsAt, hint: `In ${this.#zone} (the time zone above).` })}
        ${field({ label: "Ends", name: "endsAt", type: "datetime-local", required: true, error: f.errors.endsAt, hint: `In ${this.#zone}.` })}
        ${field({ label: "Currency", name: "currency", value: "EUR", required: true, error: f.errors.currency, hint: "ISO 4217 code, e.g. EUR." })}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Creating…" : "Create draft event"}</button>
      </form>`;
  }

  /** The browser's checks plus a known time zone (the times' hints follow it) and an end after the start. */
  #check = (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const el = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
    const tz = el("timeZone");
    const known = !!tz?.value && isTimeZone(tz.value);
    tz?.setCustomValidity(!tz.value || known ? "" : "Not a time zone: use an IANA name such as Europe/Lisbon.");
    if (known && tz && tz.value !== this.#zone) {
      this.#zone = tz.value;
      this.requestUpdate();
    }
    const start = el("startsAt");
    const end = el("endsAt");
    end?.setCustomValidity(start?.value && end.value && end.value <= start.value ? "Ends after it starts." : "");
    this.#form.recheck(e, end);
    this.#form.check(e);
  };

  #create = async (e: SubmitEvent) => {
    this.#check(e);
    let created: TicketedEvent | undefined;
    await this.#form.submit(e, async (v) => {
      const zone = v.timeZone ?? this.#zone;
      created = await gk.events.create({
        title: v.title ?? "",
        // The times as typed, in the zone the form names.
        startsAt: isoIn(v.startsAt, zone),
        endsAt: isoIn(v.endsAt, zone),
        timeZone: v.timeZone ?? "",
        currency: (v.currency ?? "").toUpperCase(),
      });
    });
    if (created) navigate(`${BASE}/events/${created.id}`);
  };
}

/** One event: its status and lifecycle actions, ticket types (with a form for another), orders, and the checkout tag. */
export class EventPage extends LitElement {
  static override styles = styles;
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  #event: TicketedEvent | undefined;
  #types: TicketType[] = [];
  #error = "";
  #actionError = "";
  #busy = false;
  readonly #typeForm = new FormState(this);
  readonly #orders = new ListController<Order>(this, () => gk.events.orders.list(this.eventId, { limit: 20 }));
  #lists: CheckinList[] | undefined;
  #rsvp: RsvpSettings | undefined;
  /**
   * Live: the event's room says a sale, a refund, a check-in, an RSVP or a status changed; the
   * page refetches what it shows (stock, orders, check-ins, RSVPs) and says what is new.
   */
  readonly #live = new LiveController(
    this,
    () => `event:${this.eventId}`,
    async (type) => {
      const before = this.#orders.items;
      await Promise.all([this.#load(), this.#orders.refresh()]);
      const fresh = newOnes(before, this.#orders.items, "order", "orders");
      if (fresh) return `${fresh}.`;
      const moved = nowIn(before, this.#orders.items, "order", "orders");
      if (moved) return `${moved}.`;
      if (type === "event.checkins_changed") return `Check-ins: ${this.#checkedIn()}.`;
      if (type === "event.headcount_changed") return `RSVPs: ${this.#rsvp?.confirmed ?? 0} confirmed.`;
      return undefined;
    },
  );

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      [this.#event, this.#types, this.#lists, this.#rsvp] = await Promise.all([
        gk.events.retrieve(this.eventId),
        this.#listTypes(),
        gk.events.checkinLists.list(this.eventId).catch(() => this.#lists),
        gk.events.guests.settings(this.eventId).catch(() => this.#rsvp),
      ]);
      this.#error = "";
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }

  /** "3 of 40 checked in" over the event's check-in lists. */
  #checkedIn(): string {
    const lists = this.#lists ?? [];
    const inside = lists.reduce((a, l) => a + l.checkedIn, 0);
    const total = lists.reduce((a, l) => a + l.total, 0);
    return `${inside} of ${total} checked in`;
  }

  #listTypes(): Promise<TicketType[]> {
    return gk.events.ticketTypes.list(this.eventId);
  }

  override render() {
    if (this.#error) return html`<p class="error" role="alert">Could not load the event: ${this.#error}</p>`;
    const ev = this.#event;
    if (!ev) return html`<p role="status">Loading the event…</p>`;
    const f = this.#typeForm;
    return html`<p><a href="${BASE}/events">← Events</a></p>
      <h1>${ev.title}</h1>
      <p>${dateTime(ev.startsAt, ev.timeZone)} – ${dateTime(ev.endsAt, ev.timeZone)} (${ev.timeZone}) · <strong>${ev.status}</strong> · sales ${ev.availability.replaceAll("_", " ")}</p>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      <div class="row">
        ${
          ev.status !== "published" && ev.status !== "cancelled"
            ? html`<button ?disabled=${this.#busy} @click=${() => this.#act(() => gk.events.publish(ev.id))}>Publish</button>`
            : nothing
        }
        ${
          ev.status === "published"
            ? html`<button class="secondary" ?disabled=${this.#busy} @click=${() => this.#act(() => gk.events.unpublish(ev.id))}>Unpublish</button>`
            : nothing
        }
        ${
          ev.status !== "cancelled"
            ? html`<button class="danger" ?disabled=${this.#busy} @click=${() => this.#cancel(ev)}>Cancel event</button>`
            : nothing
        }
      </div>
      <nav aria-label="This event"><ul class="sections">
        <li><a href="${BASE}/events/${ev.id}/edit">Edit details, ticket types and quotas</a></li>
        <li><a href="${BASE}/events/${ev.id}/orders">Orders</a></li>
        <li><a href="${BASE}/events/${ev.id}/discounts">Discount codes</a></li>
        <li><a href="${BASE}/events/${ev.id}/checkin">Check-in</a></li>
        <li><a href="${BASE}/events/${ev.id}/guests">Guests and RSVPs</a></li>
        <li><a href="${BASE}/events/${ev.id}/agenda">Agenda</a></li>
      </ul></nav>
      ${this.#live.render()}
      <dl class="row" data-testid="live-figures">
        <div><dt class="muted">Check-ins</dt><dd data-testid="checked-in">${this.#lists?.length ? this.#checkedIn() : "no check-in list yet"}</dd></div>
        <div><dt class="muted">RSVPs</dt><dd data-testid="rsvp-confirmed">${this.#rsvp ? `${this.#rsvp.confirmed} confirmed, ${this.#rsvp.waitlisted} waitlisted` : "—"}</dd></div>
      </dl>
      <h2>Ticket types</h2>
      ${
        this.#types.length === 0
          ? html`<p class="muted">No ticket types yet: add one to start selling.</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Ticket types"><table>
            <caption class="muted" style="text-align:left">Ticket types and what is left</caption>
            <thead><tr><th>Name</th><th>Price</th><th>Quantity</th><th>Remaining</th></tr></thead>
            <tbody>
              ${this.#types.map(
                (t) => html`<tr>
                  <td>${t.name}${t.hidden ? html` <span class="muted">(hidden)</span>` : nothing}</td>
                  <td>${t.price === 0 ? "Free" : money(t.price, t.currency)}</td>
                  <td>${t.quantity === null ? "unlimited" : t.quantity}</td>
                  <td>${t.remaining === null ? "—" : t.remaining}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
      }
      <form novalidate aria-label="New ticket type" @submit=${this.#addType} @input=${this.#checkType} @focusout=${this.#checkType}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${ticketTypeFields(ev, undefined, f)}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Adding…" : "Add ticket type"}</button>
      </form>
      <h2>Orders</h2>
      ${this.#orders.render({
        what: "orders",
        empty: "No orders yet.",
        rows: (orders) => html`<div class="table-wrap" data-testid="event-orders" tabindex="0" role="region" aria-label="Orders"><table>
          <caption class="muted" style="text-align:left">Orders, newest first</caption>
          <thead><tr><th>Code</th><th>Buyer</th><th>Status</th><th>Total</th><th class="optional">Placed</th></tr></thead>
          <tbody>
            ${orders.map(
              (o) => html`<tr>
                <td><code>${o.confirmationCode}</code></td>
                <td>${o.buyer.name} <span class="muted">${o.buyer.email}</span></td>
                <td>${o.status}</td>
                <td>${money(o.total, o.currency)}</td>
                <td class="optional">${dateTime(o.createdAt)}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}`;
  }

  async #act(action: () => Promise<TicketedEvent>) {
    this.#busy = true;
    this.#actionError = "";
    this.requestUpdate();
    try {
      this.#event = await action();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.#busy = false;
    this.requestUpdate();
  }

  #cancel(ev: TicketedEvent) {
    if (!confirm(`Cancel “${ev.title}”? Ticket sales stop and buyers are told.`)) return;
    void this.#act(() => gk.events.cancel(ev.id));
  }

  #checkType = (e: Event) => checkTicketType(e, this.#typeForm);

  #addType = async (e: SubmitEvent) => {
    const ev = this.#event;
    if (!ev) return;
    const form = e.target as HTMLFormElement;
    this.#checkType(e);
    const ok = await this.#typeForm.submit(e, async (v) => {
      await gk.events.ticketTypes.create(ev.id, newTicketTypeBody(v, form, ev));
    });
    this.#typeForm.errors = onInputs(this.#typeForm.errors, TICKET_TYPE_INPUTS);
    if (ok) {
      resetTicketTypeForm(form);
      this.#types = await this.#listTypes().catch(() => this.#types);
      this.requestUpdate();
    }
  };
}

customElements.define("gk-dash-events", EventsPage);
customElements.define("gk-dash-event", EventPage);
