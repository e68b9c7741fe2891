import type { TicketedEvent, TicketType, TicketTypeCreateParams, TicketTypeUpdateParams } from "@gatherkit/sdk";
import { html, nothing, type TemplateResult } from "lit";
import type { FormState } from "../form.js";
import { field } from "../ui.js";
import { isoIn, localIn } from "../zone.js";
import { toMinor } from "./events.js";

/** How many decimals `currency` has (EUR 2, JPY 0). */
export const digits = (currency: string): number =>
  new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** The API's field paths (`venue.name`, `categories.2`) on a form's input names. */
export function onInputs(errors: Record<string, string>, names: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const base = Object.keys(names).find((p) => path === p || path.startsWith(`${p}.`));
    out[base ? (names[base] ?? path) : path] = message;
  }
  return out;
}

/** A `<textarea>` with its label, hint and message, like `field`. */
export function area(label: string, name: string, value: string, error: string | undefined, hint?: string) {
  const id = `f-${name}`;
  const described = [error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return html`<label for=${id}>${label}
    <textarea id=${id} name=${name} rows="3" maxlength="5000" .value=${value} aria-invalid=${error ? "true" : "false"}
      aria-describedby=${described || nothing}></textarea>
    ${hint ? html`<span class="muted" id="${id}-hint">${hint}</span>` : nothing}
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : nothing}
  </label>`;
}

/**
 * A ticket type's fields, for the form that adds one (event page) and the one that edits it (edit
 * page): name, description, price, quantity, least and most per order, its sales window (typed in
 * the event's zone) and whether it is hidden behind an access code. The description is
 * `ttDescription` (the edit page's event form has a `description` too); `TICKET_TYPE_INPUTS` maps
 * the API's paths on them.
 */
export function ticketTypeFields(ev: TicketedEvent, t: TicketType | undefined, f: FormState): TemplateResult {
  const e = f.errors;
  const scale = 10 ** digits(ev.currency);
  return html`${field({ label: "Ticket type name", name: "name", value: t?.name ?? "", required: true, error: e.name })}
    ${area("Ticket type description", "ttDescription", t?.description ?? "", e.ttDescription, "Shown to buyers under its name.")}
    ${field({ label: `Price (${ev.currency})`, name: "price", type: "number", min: "0", step: String(1 / scale), value: t ? String(t.price / scale) : "0", required: true, error: e.price, hint: t ? "0 for free; orders already placed keep their price." : "0 for free." })}
    ${field({ label: "Quantity", name: "quantity", type: "number", min: "1", step: "1", value: t?.quantity == null ? "" : String(t.quantity), error: e.quantity, hint: t ? "Empty for no limit of its own; not below what is held or sold." : "Leave empty for no limit of its own." })}
    ${field({ label: "Least per order", name: "minPerOrder", type: "number", min: "1", step: "1", value: String(t?.minPerOrder ?? 1), required: true, error: e.minPerOrder })}
    ${field({ label: "Most per order", name: "maxPerOrder", type: "number", min: "1", step: "1", value: String(t?.maxPerOrder ?? 10), required: true, error: e.maxPerOrder, hint: "At least the least per order (1–100)." })}
    ${field({ label: "Sales start", name: "salesStartAt", type: "datetime-local", value: localIn(t?.salesStartAt, ev.timeZone), error: e.salesStartAt, hint: `In the event's time zone, ${ev.timeZone}; empty: on sale once published.` })}
    ${field({ label: "Sales end", name: "salesEndAt", type: "datetime-local", value: localIn(t?.salesEndAt, ev.timeZone), error: e.salesEndAt, hint: `In ${ev.timeZone}; empty: until the event ends.` })}
    <label class="inline"><input type="checkbox" name="hidden" .checked=${t?.hidden ?? false} /> Hidden (sold with its access code only)</label>
    ${field({ label: "Access code", name: "accessCode", value: t?.accessCode ?? "", minlength: 4, error: e.accessCode, hint: "Letters, digits and dashes; needed when hidden." })}`;
}

/** The API's paths on the ticket type form's inputs. */
export const TICKET_TYPE_INPUTS = { description: "ttDescription" };

/** `@input`/`@focusout` of a ticket type form: the browser's checks plus least ≤ most and the sales end after its start. */
export function checkTicketType(e: Event, f: FormState): void {
  const form = e.currentTarget as HTMLFormElement;
  const el = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
  const min = el("minPerOrder");
  const max = el("maxPerOrder");
  max?.setCustomValidity(
    min?.value && max.value && Number(max.value) < Number(min.value) ? `At least the least per order (${min.value}).` : "",
  );
  const start = el("salesStartAt");
  const end = el("salesEndAt");
  end?.setCustomValidity(start?.value && end.value && end.value <= start.value ? "Sales end after they start." : "");
  f.recheck(e, max);
  f.recheck(e, end);
  f.check(e);
}

/** The form's values as the API takes them: an update sends every field (empty clears), a new one leaves empty ones out. */
export function ticketTypeBody(v: Record<string, string>, form: HTMLFormElement, ev: TicketedEvent): TicketTypeUpdateParams {
  const hidden = (form.elements.namedItem("hidden") as HTMLInputElement).checked;
  return {
    name: v.name ?? "",
    description: v.ttDescription ?? "",
    price: toMinor(v.price ?? "0", ev.currency),
    quantity: v.quantity ? Number(v.quantity) : null,
    minPerOrder: Number(v.minPerOrder),
    maxPerOrder: Number(v.maxPerOrder),
    salesStartAt: isoIn(v.salesStartAt, ev.timeZone) || null,
    salesEndAt: isoIn(v.salesEndAt, ev.timeZone) || null,
    hidden,
    accessCode: v.accessCode?.trim() || null,
  };
}

/** Empties the form for another new ticket type (`reset` alone would leave the numbers without their defaults). */
export function resetTicketTypeForm(form: HTMLFormElement): void {
  form.reset();
  for (const [name, value] of [
    ["price", "0"],
    ["minPerOrder", "1"],
    ["maxPerOrder", "10"],
  ] as const) {
    const input = form.elements.namedItem(name) as HTMLInputElement | null;
    if (input) input.value = value;
  }
}

/** The same for a new ticket type (no nulls: what is empty is left to the API's defaults). */
export function newTicketTypeBody(v: Record<string, string>, form: HTMLFormElement, ev: TicketedEvent): TicketTypeCreateParams {
  const { quantity, salesStartAt, salesEndAt, accessCode, ...rest } = ticketTypeBody(v, form, ev);
  return {
    ...rest,
    name: rest.name ?? "",
    price: rest.price ?? 0,
    currency: ev.currency,
    ...(quantity != null && { quantity }),
    ...(salesStartAt && { salesStartAt }),
    ...(salesEndAt && { salesEndAt }),
    ...(accessCode && { accessCode }),
  };
}
