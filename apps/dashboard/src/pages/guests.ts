import type { Guest, ImportReport, RsvpSettings, TicketedEvent } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE } from "../router.js";
import { dateTime, field, ListController, styles } from "../ui.js";

const STATUSES = ["invited", "pending_approval", "confirmed", "waitlisted", "maybe", "declined", "rejected"] as const;
type Status = (typeof STATUSES)[number];
const label = (s: string) => s.replaceAll("_", " ");
/** The most bytes of CSV the page sends (the API takes 500,000 characters and 1,000 rows). */
const MAX_CSV_BYTES = 500_000;
/** The reminders the settings form offers, in minutes before the event starts. */
const REMINDERS = [
  [10_080, "a week before"],
  [1440, "a day before"],
  [60, "an hour before"],
] as const;

/**
 * An event's guests: the list (search, RSVP status filter, "Load more"), approving or declining
 * requests to attend one by one or in bulk, CSV import (a preview with each row's errors, then the
 * organizer's confirmation) and CSV export.
 */
export class GuestsPage extends LitElement {
  // A positioned wrapper, so the visually hidden labels in the table scroll with it, not the page.
  static override styles = [
    styles,
    css`
    .table-wrap { position: relative; }
    input, select, textarea { max-width: 100%; min-width: 0; box-sizing: border-box; }
    label { min-width: 0; }
  `,
  ];
  static override properties = { eventId: { attribute: "event-id" } };
  declare eventId: string;
  #event: TicketedEvent | undefined;
  #settings: RsvpSettings | undefined;
  #loadError = "";
  #q = "";
  #status: Status | "" = "";
  #selected = new Set<string>();
  #busy = false;
  #actionError = "";
  #notice = "";
  readonly #guests = new ListController<Guest>(this, () =>
    gk.events.guests.list(this.eventId, {
      limit: 25,
      ...(this.#q ? { q: this.#q } : {}),
      ...(this.#status ? { status: this.#status } : {}),
    }),
  );
  // CSV import: the file's text, the API's preview of it, and what was imported.
  #csv: { name: string; text: string } | undefined;
  #fileError = "";
  #preview: ImportReport | undefined;
  #importError = "";
  #importing = false;
  #exportUrl = "";
  readonly #settingsForm = new FormState(this);
  #settingsSaved = false;
  #sendResult = "";
  #sendError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  override disconnectedCallback(): void {
    if (this.#exportUrl) URL.revokeObjectURL(this.#exportUrl);
    super.disconnectedCallback();
  }

  async #load() {
    try {
      [this.#event, this.#settings] = await Promise.all([gk.events.retrieve(this.eventId), gk.events.guests.settings(this.eventId)]);
      this.#loadError = "";
    } catch (err) {
      this.#loadError = describe(err);
    }
    this.requestUpdate();
  }

  async #refreshHeadcount() {
    this.#settings = await gk.events.guests.settings(this.eventId).catch(() => this.#settings);
    this.requestUpdate();
  }

  override render() {
    if (this.#loadError) {
      return html`<div class="error" role="alert">Could not load the event: ${this.#loadError}
        <button class="secondary" @click=${() => this.#load()}>Retry</button></div>`;
    }
    const ev = this.#event;
    const s = this.#settings;
    if (!ev || !s) return html`<p role="status">Loading the guest list…</p>`;
    return html`<p><a href="${BASE}/events/${ev.id}">← ${ev.title}</a></p>
      <h1>Guests</h1>
      <p data-testid="headcount">${`${s.confirmed} confirmed${s.capacity === null ? "" : ` of ${s.capacity}`} · ${s.waitlisted} on the waitlist · registration ${label(s.mode)}`}</p>
      ${this.#renderFilters()}
      ${this.#notice ? html`<p class="notice" role="status">${this.#notice}</p>` : nothing}
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#renderBulk()}
      <div class="table-wrap" tabindex="0" role="region" aria-label="Guest list">
        ${this.#guests.render({
          what: "guests",
          empty: this.#q || this.#status ? "No guests match this search." : "No guests yet. Import a CSV file below.",
          rows: (guests) => this.#renderTable(guests),
        })}
      </div>
      ${this.#renderInvitations()} ${this.#renderImport()} ${this.#renderExport()} ${this.#renderSettings(s)}`;
  }

  #renderFilters() {
    return html`<form class="row" role="search" aria-label="Find guests" style="max-width:none" @submit=${this.#search}>
      <label for="guest-q">Search
        <input id="guest-q" name="q" type="search" .value=${this.#q} placeholder="Name, email or phone" maxlength="100" />
      </label>
      <label for="guest-status">RSVP status
        <select id="guest-status" name="status" @change=${this.#search}>
          <option value="" ?selected=${this.#status === ""}>Any</option>
          ${STATUSES.map((st) => html`<option value=${st} ?selected=${this.#status === st}>${label(st)}</option>`)}
        </select>
      </label>
      <button type="submit" class="secondary" style="align-self:end">Search</button>
    </form>`;
  }

  #search = (e: Event) => {
    e.preventDefault();
    const form = (e.target as HTMLElement).closest("form") as HTMLFormElement;
    const data = new FormData(form);
    this.#q = String(data.get("q") ?? "").trim();
    const status = String(data.get("status") ?? "");
    this.#status = (STATUSES as readonly string[]).includes(status) ? (status as Status) : "";
    this.#selected.clear();
    void this.#guests.reload();
  };

  #renderTable(guests: Guest[]) {
    const pending = guests.filter((g) => g.status === "pending_approval");
    const allSelected = pending.length > 0 && pending.every((g) => this.#selected.has(g.id));
    return html`<table>
      <caption class="muted" style="text-align:left">Guests, newest first</caption>
      <thead>
        <tr>
          <th>
            ${
              pending.length
                ? html`<input type="checkbox" aria-label="Select every request waiting for approval" .checked=${allSelected} @change=${(e: Event) => this.#selectAll(pending, (e.target as HTMLInputElement).checked)} />`
                : html`<span class="sr-only">Select</span>`
            }
          </th>
          <th>Guest</th><th>RSVP</th><th>Plus-ones</th><th class="optional">Answered</th><th><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${guests.map(
          (g) => html`<tr data-guest=${g.id}>
            <td>
              ${
                g.status === "pending_approval"
                  ? html`<input type="checkbox" aria-label="Select ${g.name}" .checked=${this.#selected.has(g.id)} @change=${(e: Event) => this.#select(g.id, (e.target as HTMLInputElement).checked)} />`
                  : nothing
              }
            </td>
            <td><span class="name">${g.name}</span><br /><span class="muted">${[g.email, g.phone].filter(Boolean).join(" · ")}</span></td>
            <td data-testid="status">${label(g.status)}${g.waitlistPosition ? html` <span class="muted">(#${g.waitlistPosition})</span>` : nothing}</td>
            <td>${g.plusOnes}${g.plusOneNames.length ? html` <span class="muted">${g.plusOneNames.join(", ")}</span>` : nothing}</td>
            <td class="optional">${dateTime(g.respondedAt)}</td>
            <td>
              <div class="row">
                ${
                  g.status === "pending_approval"
                    ? html`<button ?disabled=${this.#busy} aria-label="Approve ${g.name}" @click=${() => this.#decide([g], "approve")}>Approve</button>
                        <button class="danger" ?disabled=${this.#busy} aria-label="Decline ${g.name}" @click=${() => this.#decide([g], "decline")}>Decline</button>`
                    : nothing
                }
                <button class="secondary" data-testid="rotate-link" ?disabled=${this.#busy} aria-label="New link for ${g.name}" @click=${() => this.#rotate(g)}>New link</button>
              </div>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  /**
   * Replaces a guest's personal link (after confirming): the old one stops working at once, and the
   * invitation with the new one is sent by the guest's email and/or SMS (when the event has its
   * invitation page set; else the notice says it was not sent).
   */
  async #rotate(g: Guest) {
    const channels = [...(g.email ? (["email"] as const) : []), ...(g.phone ? (["sms"] as const) : [])];
    const send = channels.length
      ? ` The invitation with the new link is sent by ${channels.join(" and ")}.`
      : " They have no email or phone: share the new link yourself.";
    if (!confirm(`Replace ${g.name}'s personal link? The link they have stops working at once.${send}`)) return;
    this.#busy = true;
    this.#actionError = "";
    this.#notice = "";
    this.requestUpdate();
    try {
      await gk.events.guests.rotateLink(this.eventId, g.id);
      let sent = "";
      if (channels.length) {
        try {
          await gk.events.guests.sendInvitations(this.eventId, { guestIds: [g.id], channels: [...channels] });
          sent = ` and the invitation sent by ${channels.join(" and ")}`;
        } catch (err) {
          sent = `; the invitation was not sent: ${describe(err)}`;
        }
      }
      this.#notice = `${g.name} has a new link: the old one no longer works${sent}.`;
    } catch (err) {
      this.#actionError = `${g.name}'s link was not replaced: ${describe(err)}`;
    }
    this.#busy = false;
    this.requestUpdate();
  }

  #renderBulk() {
    const n = this.#selected.size;
    if (n === 0) return nothing;
    return html`<div class="row" role="group" aria-label="Selected requests">
      <span>${n} selected</span>
      <button ?disabled=${this.#busy} @click=${() => this.#bulk("approve")}>Approve selected</button>
      <button class="danger" ?disabled=${this.#busy} @click=${() => this.#bulk("decline")}>Decline selected</button>
    </div>`;
  }

  #select(id: string, on: boolean) {
    if (on) this.#selected.add(id);
    else this.#selected.delete(id);
    this.requestUpdate();
  }

  #selectAll(pending: Guest[], on: boolean) {
    for (const g of pending) this.#select(g.id, on);
  }

  #bulk(action: "approve" | "decline") {
    const chosen = this.#guests.items.filter((g) => this.#selected.has(g.id));
    if (chosen.length === 0) return;
    const what = action === "approve" ? "Approve" : "Decline";
    if (!confirm(`${what} ${chosen.length} request(s) to attend? Each guest is told.`)) return;
    void this.#decide(chosen, action);
  }

  /** Approves or declines each guest in turn; says how many went through and why any did not. */
  async #decide(chosen: Guest[], action: "approve" | "decline") {
    if (chosen.length === 1 && action === "decline" && !confirm(`Decline ${chosen[0]?.name}'s request to attend? They are told.`)) return;
    this.#busy = true;
    this.#actionError = "";
    this.#notice = "";
    this.requestUpdate();
    const failed: string[] = [];
    let done = 0;
    for (const g of chosen) {
      try {
        await (action === "approve" ? gk.events.guests.approve(this.eventId, g.id) : gk.events.guests.decline(this.eventId, g.id));
        done++;
        this.#selected.delete(g.id);
      } catch (err) {
        failed.push(`${g.name}: ${describe(err)}`);
      }
    }
    // The list and headcount as they are now first, then what happened (so the two agree when it shows).
    await Promise.all([this.#guests.reload(), this.#refreshHeadcount()]);
    this.#busy = false;
    this.#notice = done ? `${action === "approve" ? "Approved" : "Declined"} ${done} request(s).` : "";
    this.#actionError = failed.length ? `Not ${action === "approve" ? "approved" : "declined"}: ${failed.join("; ")}` : "";
    this.requestUpdate();
  }

  #renderImport() {
    const p = this.#preview;
    return html`<h2>Import from CSV</h2>
      <p class="muted">A header row with <code>name</code> and any of <code>email</code>, <code>phone</code>, <code>tags</code> (separated by <code>;</code>), <code>notes</code>, <code>max_plus_ones</code>. At most 1,000 rows.</p>
      <form aria-label="Import guests" @submit=${this.#check}>
        <label for="guest-csv">CSV file
          <input id="guest-csv" name="file" type="file" accept=".csv,text/csv" required
            aria-invalid=${this.#fileError ? "true" : "false"} aria-describedby=${this.#fileError ? "guest-csv-error" : nothing}
            @change=${this.#pick} />
          ${this.#fileError ? html`<span class="field-error" id="guest-csv-error">${this.#fileError}</span>` : nothing}
        </label>
        <button type="submit" class="secondary" ?disabled=${!this.#csv || this.#importing}>${this.#importing && !p ? "Checking…" : "Check the file"}</button>
      </form>
      ${this.#importError ? html`<p class="error" role="alert">${this.#importError}</p>` : nothing}
      ${p ? this.#renderPreview(p) : nothing}`;
  }

  #renderPreview(p: ImportReport) {
    const bad = p.rows.filter((r) => !r.ok);
    return html`<section aria-label="Import preview">
      <p role="status" data-testid="preview-summary">${p.valid} row(s) ready, ${p.invalid} with errors${p.imported ? ` · ${p.imported} imported` : ""}.</p>
      ${
        bad.length
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Rows with errors"><table>
              <caption class="muted" style="text-align:left">Rows with errors (the line number counts the header as 1)</caption>
              <thead><tr><th>Line</th><th>Errors</th></tr></thead>
              <tbody>
                ${bad.map(
                  (r) =>
                    html`<tr data-row=${r.row}><td>${r.row}</td><td><ul>${r.errors.map((e) => html`<li><code>${e.column}</code>: ${e.message}</li>`)}</ul></td></tr>`,
                )}
              </tbody>
            </table></div>`
          : nothing
      }
      ${
        p.imported === 0 && p.valid > 0
          ? html`<div class="row">
              <button ?disabled=${this.#importing} @click=${this.#commit}>${this.#importing ? "Importing…" : bad.length ? `Import the ${p.valid} valid row(s)` : `Import ${p.valid} guest(s)`}</button>
              <button class="secondary" ?disabled=${this.#importing} @click=${this.#discard}>Discard</button>
            </div>`
          : nothing
      }
    </section>`;
  }

  #pick = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    this.#preview = undefined;
    this.#importError = "";
    this.#csv = undefined;
    this.#fileError = "";
    if (file && file.size > MAX_CSV_BYTES) this.#fileError = `The file is ${Math.ceil(file.size / 1000)} kB; at most 500 kB.`;
    else if (file?.size === 0) this.#fileError = "The file is empty.";
    else if (file) this.#csv = { name: file.name, text: await file.text() };
    this.requestUpdate();
  };

  #check = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!this.#csv) {
      this.#fileError ||= "Choose a CSV file.";
      this.requestUpdate();
      return;
    }
    await this.#import("preview");
  };

  #commit = async () => {
    const p = this.#preview;
    if (!p) return;
    // Good rows only when some are bad, after the organizer says so; else every row or none.
    if (p.invalid > 0 && !confirm(`Import the ${p.valid} valid row(s) and leave out the ${p.invalid} with errors?`)) return;
    await this.#import(p.invalid > 0 ? "valid_rows" : "all_or_nothing");
    if (this.#preview?.imported) {
      await Promise.all([this.#guests.reload(), this.#refreshHeadcount()]);
      this.#notice = `Imported ${this.#preview.imported} guest(s) from ${this.#csv?.name ?? "the file"}.`;
      this.requestUpdate();
    }
  };

  #discard = () => {
    this.#preview = undefined;
    this.requestUpdate();
  };

  async #import(mode: "preview" | "all_or_nothing" | "valid_rows") {
    if (!this.#csv) return;
    this.#importing = true;
    this.#importError = "";
    this.requestUpdate();
    try {
      this.#preview = await gk.events.guests.import(this.eventId, { csv: this.#csv.text, mode });
    } catch (err) {
      this.#importError = `The file was not imported: ${describe(err)}`;
      if (mode === "preview") this.#preview = undefined;
    }
    this.#importing = false;
    this.requestUpdate();
  }

  #renderInvitations() {
    return html`<h2 id="invitations">Invitations</h2>
      <form class="row" aria-labelledby="invitations" style="max-width:none" @submit=${(e: Event) => e.preventDefault()}>
        <fieldset class="row">
          <legend>Send by</legend>
          <label class="inline"><input type="checkbox" name="channel" value="email" checked /> email</label>
          <label class="inline"><input type="checkbox" name="channel" value="sms" /> SMS</label>
        </fieldset>
        <button type="button" ?disabled=${this.#busy} @click=${(e: Event) => this.#send(e, "invite")}>Send invitations to guests not invited yet</button>
        <button type="button" class="secondary" ?disabled=${this.#busy} @click=${(e: Event) => this.#send(e, "remind")}>Remind who has not answered</button>
      </form>
      ${this.#sendResult ? html`<p class="notice" role="status" data-testid="send-result">${this.#sendResult}</p>` : nothing}
      ${this.#sendError ? html`<p class="error" role="alert">${this.#sendError}</p>` : nothing}`;
  }

  async #send(e: Event, what: "invite" | "remind") {
    const form = (e.target as HTMLElement).closest("form") as HTMLFormElement;
    const channels = [...form.querySelectorAll<HTMLInputElement>("input[name=channel]:checked")].map((i) => i.value as "email" | "sms");
    this.#sendResult = "";
    this.#sendError = "";
    if (channels.length === 0) {
      this.#sendError = "Choose email, SMS or both.";
      this.requestUpdate();
      return;
    }
    const question =
      what === "invite"
        ? `Send an invitation by ${channels.join(" and ")} to every guest not invited yet?`
        : `Remind every invited guest who has not answered, by ${channels.join(" and ")}?`;
    if (!confirm(question)) return;
    this.#busy = true;
    this.requestUpdate();
    try {
      const r =
        what === "invite"
          ? await gk.events.guests.sendInvitations(this.eventId, { channels })
          : await gk.events.guests.remind(this.eventId, { channels });
      const skipped = r.skipped.length ? `; ${r.skipped.length} skipped (no email or phone, or already answered)` : "";
      this.#sendResult = `${r.sent} message(s) queued to ${r.guestIds.length} guest(s)${skipped}.`;
      await this.#guests.reload();
    } catch (err) {
      this.#sendError = `Nothing was sent: ${describe(err)}`;
    }
    this.#busy = false;
    this.requestUpdate();
  }

  #renderSettings(s: RsvpSettings) {
    const f = this.#settingsForm;
    const other = s.reminders.filter((m) => !REMINDERS.some(([r]) => r === m));
    return html`<h2 id="rsvp-settings">RSVP settings and reminders</h2>
      <form novalidate aria-labelledby="rsvp-settings" @submit=${this.#saveSettings} @input=${f.check} @focusout=${f.check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${this.#settingsSaved && !f.busy && !f.error ? html`<p class="notice" role="status">RSVP settings saved.</p>` : nothing}
        <label for="f-mode">Registration
          <select id="f-mode" name="mode">
            <option value="invite_only" ?selected=${s.mode === "invite_only"}>Invitation only</option>
            <option value="approval" ?selected=${s.mode === "approval"}>Anyone may ask; you approve</option>
            <option value="open" ?selected=${s.mode === "open"}>Open to anyone with the page</option>
          </select>
        </label>
        ${field({ label: "Places", name: "capacity", type: "number", min: "1", step: "1", value: s.capacity === null ? "" : String(s.capacity), error: f.errors.capacity, hint: "Confirmed guests plus their plus-ones; empty for no limit." })}
        ${field({ label: "Plus-ones per guest", name: "maxPlusOnes", type: "number", min: "0", step: "1", value: String(s.maxPlusOnes), required: true, error: f.errors.maxPlusOnes })}
        ${field({ label: "Invitation page", name: "invitationUrl", type: "url", value: s.invitationUrl ?? "", error: f.errors.invitationUrl, hint: "Your page with <gk-rsvp>: each guest's personal link opens it." })}
        <fieldset>
          <legend>Reminders to guests who said yes or maybe (by email, SMS and push, as each guest allows)</legend>
          ${REMINDERS.map(
            ([minutes, text]) =>
              html`<label class="inline"><input type="checkbox" name="reminder" value=${minutes} .checked=${s.reminders.includes(minutes)} /> ${text}</label>`,
          )}
          ${other.length ? html`<p class="muted">Also kept: ${other.map((m) => `${m} minutes`).join(", ")} before.</p>` : nothing}
          ${f.errors.reminders ? html`<span class="field-error">${f.errors.reminders}</span>` : nothing}
        </fieldset>
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save settings"}</button>
      </form>`;
  }

  #saveSettings = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const s = this.#settings;
    if (!s) return;
    const chosen = [...form.querySelectorAll<HTMLInputElement>("input[name=reminder]:checked")].map((i) => Number(i.value));
    const kept = s.reminders.filter((m) => !REMINDERS.some(([r]) => r === m));
    this.#settingsSaved = false;
    await this.#settingsForm.submit(e, async (v) => {
      this.#settings = await gk.events.guests.updateSettings(this.eventId, {
        mode: v.mode === "open" || v.mode === "approval" ? v.mode : "invite_only",
        capacity: v.capacity ? Number(v.capacity) : null,
        maxPlusOnes: Number(v.maxPlusOnes),
        reminders: [...chosen, ...kept],
        invitationUrl: v.invitationUrl?.trim() || null,
      });
      this.#settingsSaved = true;
    });
  };

  #renderExport() {
    return html`<h2>Export</h2>
      <div class="row">
        <button class="secondary" data-testid="export" @click=${this.#export}>Export the guest list as CSV</button>
        ${this.#exportUrl ? html`<a href=${this.#exportUrl} download="guests-${this.eventId}.csv" data-testid="export-link">Download the CSV file</a>` : nothing}
      </div>`;
  }

  #export = async () => {
    this.#actionError = "";
    try {
      const text = await gk.events.guests.export(this.eventId);
      if (this.#exportUrl) URL.revokeObjectURL(this.#exportUrl);
      this.#exportUrl = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      this.requestUpdate();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLAnchorElement>("[data-testid=export-link]")?.click();
    } catch (err) {
      this.#actionError = `Could not export: ${describe(err)}`;
      this.requestUpdate();
    }
  };
}

customElements.define("gk-dash-guests", GuestsPage);
