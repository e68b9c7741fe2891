import type { Quota, TicketedEvent, TicketType } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE } from "../router.js";
import { field, isTimeZone, styles } from "../ui.js";
import { money, toMinor } from "./events.js";

/** The wall clock of `zone` at instant `ms`, as `datetime-local` parts. */
function wallClock(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
/** An ISO instant as a `datetime-local` value in the event's time zone. */
const localIn = (iso: string, zone: string): string => wallClock(Date.parse(iso), zone);
/** A `datetime-local` value read in `zone` as an ISO instant ("" when empty). */
function isoIn(local: string | undefined, zone: string): string {
  if (!local) return "";
  const asUtc = Date.parse(`${local}:00Z`);
  const offset = (t: number) => Date.parse(`${wallClock(t, zone)}:00Z`) - t;
  let t = asUtc - offset(asUtc);
  // Near a daylight-saving change the offset at the guess may differ from the one at the answer.
  t = asUtc - offset(t);
  return new Date(t).toISOString();
}

/** How many decimals `currency` has (EUR 2, JPY 0). */
const digits = (currency: string): number =>
  new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
const CATEGORY = /^[a-z0-9][a-z0-9-]{0,39}$/;
const categoriesOf = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);

/** The API's field paths (`venue.name`, `categories.2`) on this page's input names. */
function onInputs(errors: Record<string, string>, names: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const base = Object.keys(names).find((p) => path === p || path.startsWith(`${p}.`));
    out[base ? (names[base] ?? path) : path] = message;
  }
  return out;
}
const EVENT_FIELDS = {
  "venue.name": "venueName",
  "venue.address.city": "venueCity",
  "venue.address.country": "venueCountry",
  categories: "categories",
};

/** A `<textarea>` with its label and message, like `field`. */
function area(label: string, name: string, value: string, error: string | undefined) {
  const id = `f-${name}`;
  return html`<label for=${id}>${label}
    <textarea id=${id} name=${name} rows="4" maxlength="5000" .value=${value} aria-invalid=${error ? "true" : "false"}
      aria-describedby=${error ? `${id}-error` : nothing}></textarea>
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}
  </label>`;
}

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

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      [this.#event, this.#types] = await Promise.all([gk.events.retrieve(this.eventId), gk.events.ticketTypes.list(this.eventId)]);
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
    return html`<h2>Details</h2>
      <form novalidate aria-label="Event details" @submit=${this.#save} @input=${this.#checkDetails} @focusout=${this.#checkDetails}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Title", name: "title", value: ev.title, required: true, error: f.errors.title })}
        ${area("Description", "description", ev.description, f.errors.description)}
        ${field({ label: "Venue", name: "venueName", value: ev.venue?.name ?? "", error: f.errors.venueName, hint: "Leave empty for no venue." })}
        ${field({ label: "City", name: "venueCity", value: ev.venue?.address.city ?? "", error: f.errors.venueCity })}
        ${field({ label: "Country", name: "venueCountry", value: ev.venue?.address.country ?? "", error: f.errors.venueCountry, hint: "Two letters, e.g. PT." })}
        ${field({ label: "Time zone", name: "timeZone", value: ev.timeZone, required: true, error: f.errors.timeZone, hint: "IANA name, e.g. Europe/Lisbon." })}
        ${field({ label: "Starts", name: "startsAt", type: "datetime-local", value: localIn(ev.startsAt, ev.timeZone), required: true, error: f.errors.startsAt, hint: "In the event's time zone (above)." })}
        ${field({ label: "Ends", name: "endsAt", type: "datetime-local", value: localIn(ev.endsAt, ev.timeZone), required: true, error: f.errors.endsAt })}
        ${field({ label: "Capacity", name: "capacity", type: "number", min: "1", step: "1", value: ev.capacity === null ? "" : String(ev.capacity), error: f.errors.capacity, hint: "Most tickets across every type; empty for no limit." })}
        ${field({ label: "Hold minutes", name: "holdMinutes", type: "number", min: "1", step: "1", value: String(ev.holdMinutes), required: true, error: f.errors.holdMinutes, hint: "How long a checkout holds its tickets (1–60)." })}
        ${field({ label: "Categories", name: "categories", value: ev.categories.join(", "), error: f.errors.categories, hint: "Comma-separated slugs, e.g. live-music, fado." })}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save details"}</button>
      </form>`;
  }

  /** The browser's checks plus this form's own: a known time zone, end after start, slugs, a two-letter country. */
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
    const venue = el("venueName");
    venue?.setCustomValidity(
      !venue.value.trim() && (el("venueCity")?.value || country?.value) ? "Name the venue of this city or country." : "",
    );
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
      this.#event = await gk.events.update(ev.id, {
        title: v.title ?? "",
        description: v.description ?? "",
        venue: venueName
          ? {
              name: venueName,
              address: { ...ev.venue?.address, city: v.venueCity?.trim() || null, country: v.venueCountry?.trim().toUpperCase() || null },
              lat: ev.venue?.lat ?? null,
              lng: ev.venue?.lng ?? null,
            }
          : null,
        timeZone: v.timeZone ?? "",
        // The times as typed, in the zone the form names (the new one when it changes).
        startsAt: isoIn(v.startsAt, zone),
        endsAt: isoIn(v.endsAt, zone),
        capacity: capacity ? Number(capacity) : null,
        holdMinutes: Number(v.holdMinutes),
        categories: categoriesOf(v.categories),
      });
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
          ? html`<form novalidate aria-label="Edit ticket type ${t.name}" @submit=${this.#saveType} @input=${f.check} @focusout=${f.check}>
          ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
          ${field({ label: "Ticket type name", name: "name", value: t.name, required: true, error: f.errors.name })}
          ${field({ label: `Price (${ev.currency})`, name: "price", type: "number", min: "0", step: String(10 ** -digits(ev.currency)), value: String(t.price / 10 ** digits(ev.currency)), required: true, error: f.errors.price, hint: "0 for free; orders already placed keep their price." })}
          ${field({ label: "Quantity", name: "quantity", type: "number", min: "1", step: "1", value: t.quantity === null ? "" : String(t.quantity), error: f.errors.quantity, hint: "Empty for no limit of its own; not below what is held or sold." })}
          ${field({ label: "Most per order", name: "maxPerOrder", type: "number", min: "1", step: "1", value: String(t.maxPerOrder), required: true, error: f.errors.maxPerOrder })}
          <label class="inline"><input type="checkbox" name="hidden" .checked=${t.hidden} /> Hidden (sold with its access code only)</label>
          ${field({ label: "Access code", name: "accessCode", value: t.accessCode ?? "", minlength: 4, error: f.errors.accessCode, hint: "Letters, digits and dashes; needed when hidden." })}
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

  #saveType = async (e: SubmitEvent) => {
    const ev = this.#event;
    const t = this.#editing;
    if (!ev || !t) return;
    const form = e.target as HTMLFormElement;
    const hidden = (form.elements.namedItem("hidden") as HTMLInputElement).checked;
    const ok = await this.#typeForm.submit(e, async (v) => {
      const updated = await gk.events.ticketTypes.update(ev.id, t.id, {
        name: v.name ?? "",
        price: toMinor(v.price ?? "0", ev.currency),
        quantity: v.quantity ? Number(v.quantity) : null,
        maxPerOrder: Number(v.maxPerOrder),
        hidden,
        accessCode: v.accessCode?.trim() || null,
      });
      this.#types = this.#types.map((x) => (x.id === updated.id ? updated : x));
    });
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
    return html`<form novalidate aria-label="Edit quota ${q.name}" @submit=${this.#saveQuota} @input=${f.check} @focusout=${f.check}>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
      ${field({ label: "Quota name", name: "eqName", value: q.name, required: true, error: f.errors.eqName })}
      ${field({ label: "Size", name: "eqSize", type: "number", min: "0", step: "1", value: String(q.size), required: true, error: f.errors.eqSize, hint: `Not below the ${q.used} held or sold.` })}
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

  #saveQuota = async (e: SubmitEvent) => {
    const q = this.#editingQuota;
    if (!q) return;
    let saved: Quota | undefined;
    const ok = await this.#quotaEditForm.submit(e, async (v) => {
      saved = await gk.events.quotas.update(this.eventId, q.id, { name: v.eqName ?? "", size: Number(v.eqSize) });
    });
    this.#quotaEditForm.errors = onInputs(this.#quotaEditForm.errors, { name: "eqName", size: "eqSize" });
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

  #picked = (form: HTMLFormElement) =>
    [...form.querySelectorAll<HTMLInputElement>("input[name=ticketTypeIds]")].filter((c) => c.checked).map((c) => c.value);

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
