import type { Calendar, CalendarFeed, CalendarJob, IcsImportPreview } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, ListController, styles } from "../ui.js";

/** What an import takes (the API's ICS_IMPORT_MAX_BYTES): checked before sending a file that is bigger. */
const MAX_CHARS = 1_000_000;
/** Rows of the preview shown before "Import". */
const PREVIEW_ROWS = 10;

const when = (start: IcsImportPreview["items"][number]["start"]) =>
  !start ? "—" : "date" in start ? `${start.date} (all day)` : dateTime(start.dateTime, start.timeZone);

/**
 * Importing an .ics into one of a client's calendars: pick the calendar and a file (or drop it),
 * see what the import would do (the API's preview: the same parser, so the same rows and reasons
 * as the job), confirm, and follow the job's progress to its result.
 */
export class IcsImport extends LitElement {
  static override styles = [
    styles,
    css`
      .drop { border: 2px dashed #8c959f; border-radius: 6px; padding: 0.75rem; display: grid; gap: 0.5rem; }
      .drop.over { border-color: #0969da; background: #ddf4ff; }
      progress { width: 10rem; }
    `,
  ];
  static override properties = { clientId: { attribute: "client-id" }, calendars: { attribute: false } };
  declare clientId: string;
  declare calendars: Calendar[];
  #state: "idle" | "reading" | "preview" | "importing" | "done" = "idle";
  #fileName = "";
  #ics = "";
  #preview: IcsImportPreview | undefined;
  #job: CalendarJob | undefined;
  #error = "";
  #over = false;
  #poll: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#poll);
  }

  override render() {
    const writable = (this.calendars ?? []).filter((c) => c.accessRole === "owner" || c.accessRole === "writer");
    if (writable.length === 0)
      return html`<h2>Import an .ics file</h2><p class="muted">None of this client's calendars can be written to.</p>`;
    const busy = this.#state === "reading" || this.#state === "importing";
    return html`<h2>Import an .ics file</h2>
      <p>Events exported from Google, Outlook or Apple Calendar. Importing the same file again updates the events it made instead of duplicating them; nobody is emailed.</p>
      <form novalidate aria-label="Import an .ics file" @submit=${this.#import}>
        <label for="import-calendar">Into calendar
          <select id="import-calendar" name="calendarId" ?disabled=${busy}>
            ${writable.map((c) => html`<option value=${c.id}>${c.summary}</option>`)}
          </select>
        </label>
        <div class="drop ${this.#over ? "over" : ""}" @dragover=${this.#dragOver} @dragleave=${this.#dragLeave} @drop=${this.#drop}>
          <label for="import-file">.ics file
            <input id="import-file" type="file" accept=".ics,text/calendar" aria-describedby="import-file-hint" ?disabled=${busy} @change=${this.#picked} />
          </label>
          <span class="muted" id="import-file-hint">Or drop the file here. At most 1 MB and 500 events.</span>
        </div>
        <div aria-live="polite">${this.#body()}</div>
      </form>`;
  }

  #body() {
    if (this.#error) return html`<p class="error" role="alert">${this.#error}</p>`;
    if (this.#state === "reading") return html`<p role="status">Reading ${this.#fileName}…</p>`;
    const p = this.#preview;
    if (!p) return nothing;
    if (this.#state === "importing" || this.#state === "done") return this.#progress(p);
    if (p.total === 0) return html`<p class="muted" id="import-summary">${this.#fileName} has no events to import.</p>`;
    const ok = p.items.filter((i) => !i.error);
    const failing = p.items.filter((i) => i.error);
    return html`<p id="import-summary"><strong>${p.importable}</strong> of ${p.total} events in ${this.#fileName} will be imported${p.failing ? html`; <strong>${p.failing}</strong> cannot be` : nothing}.</p>
      ${
        ok.length
          ? html`<div class="table-wrap"><table>
            <caption class="muted" style="text-align:left">${ok.length > PREVIEW_ROWS ? `The first ${PREVIEW_ROWS}` : "The events"}</caption>
            <thead><tr><th>Title</th><th>Starts</th><th class="optional">Repeats</th></tr></thead>
            <tbody>${ok.slice(0, PREVIEW_ROWS).map((i) => html`<tr><td>${i.title}</td><td>${when(i.start)}</td><td class="optional">${i.recurring ? "Yes" : "No"}</td></tr>`)}</tbody>
          </table></div>`
          : nothing
      }
      ${
        failing.length
          ? html`<h3>Not imported</h3>
            <ul id="import-problems">${failing.map((i) => html`<li>Line ${i.line} (<code>${i.uid}</code>): ${i.error}</li>`)}</ul>`
          : nothing
      }
      <div class="row">
        <button type="submit" ?disabled=${p.importable === 0}>Import ${p.importable} ${p.importable === 1 ? "event" : "events"}</button>
        <button type="button" class="secondary" @click=${this.#reset}>Choose another file</button>
      </div>`;
  }

  #progress(p: IcsImportPreview) {
    const j = this.#job;
    if (!j) return html`<p role="status">Starting the import…</p>`;
    const uid = (index: number) => p.items[index]?.uid ?? `row ${index + 1}`;
    const finished = j.status === "done" || j.status === "failed";
    return html`<p>
        <progress max=${j.total || 1} value=${j.processed} aria-label="Import progress"></progress>
        <span id="import-progress">${j.processed}/${j.total}</span>
      </p>
      ${
        finished
          ? html`<p role="status" id="import-result">${
              j.status === "failed"
                ? `The import stopped: ${j.error ?? "unknown error"}.`
                : `Imported ${j.succeeded} of ${j.total} events${j.failed ? `; ${j.failed} failed` : ""}.`
            }</p>
            ${j.failures.length ? html`<ul>${j.failures.map((f) => html`<li><code>${uid(f.index)}</code>: ${f.detail}</li>`)}</ul>` : nothing}
            <button type="button" class="secondary" @click=${this.#reset}>Import another file</button>`
          : html`<p role="status">Importing… (${j.status})</p>`
      }`;
  }

  #dragOver = (e: DragEvent) => {
    e.preventDefault();
    if (!this.#over) {
      this.#over = true;
      this.requestUpdate();
    }
  };

  #dragLeave = () => {
    this.#over = false;
    this.requestUpdate();
  };

  #drop = (e: DragEvent) => {
    e.preventDefault();
    this.#over = false;
    const file = e.dataTransfer?.files[0];
    if (file) void this.#read(file);
    else this.requestUpdate();
  };

  #picked = (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void this.#read(file);
  };

  /** Reads the file and asks the API what importing it would do. */
  async #read(file: File) {
    clearTimeout(this.#poll);
    this.#fileName = file.name;
    this.#preview = undefined;
    this.#job = undefined;
    this.#error = "";
    this.#state = "reading";
    this.requestUpdate();
    try {
      const text = await file.text();
      if (text.length > MAX_CHARS) throw new Error(`${file.name} is larger than 1 MB: split it, or export a shorter range.`);
      this.#preview = await gk.clients.events.importPreview(this.clientId, this.#calendarId(), text);
      this.#ics = text;
      this.#state = "preview";
    } catch (err) {
      this.#error = `Could not read ${file.name}: ${describe(err)}`;
      this.#state = "idle";
    }
    this.requestUpdate();
  }

  #calendarId = () => this.renderRoot.querySelector<HTMLSelectElement>("#import-calendar")?.value ?? "";

  #import = async (e: SubmitEvent) => {
    e.preventDefault();
    if (this.#state !== "preview" || !this.#preview?.importable) return;
    this.#state = "importing";
    this.requestUpdate();
    try {
      this.#job = await gk.clients.events.import(this.clientId, this.#calendarId(), this.#ics);
      this.#changed();
      await this.#watch();
    } catch (err) {
      this.#error = `The import did not start: ${describe(err)}`;
      this.#state = "preview";
      this.requestUpdate();
    }
  };

  /** Follows the job until it is done (or failed), then tells the page its jobs changed. */
  async #watch() {
    const job = this.#job;
    if (!job) return;
    if (job.status === "done" || job.status === "failed") {
      this.#state = "done";
      this.#changed();
    } else {
      this.#poll = setTimeout(async () => {
        try {
          this.#job = await gk.clients.jobs.retrieve(this.clientId, job.id);
        } catch {
          // A lost poll is retried at the next tick.
        }
        void this.#watch();
      }, 1000);
    }
    this.requestUpdate();
  }

  #changed() {
    this.dispatchEvent(new CustomEvent("jobs-changed", { bubbles: true, composed: true }));
  }

  #reset = () => {
    clearTimeout(this.#poll);
    this.#state = "idle";
    this.#preview = undefined;
    this.#job = undefined;
    this.#error = "";
    this.#ics = "";
    const input = this.renderRoot.querySelector<HTMLInputElement>("#import-file");
    if (input) input.value = "";
    this.requestUpdate();
    void this.updateComplete.then(() => input?.focus());
  };
}

const SUBJECTS = {
  event: { label: "An event's schedule (the event and its sessions)", prefix: "evt" },
  place: { label: "A place's confirmed bookings", prefix: "plc" },
  guest: { label: "A guest's event and their sessions", prefix: "gst" },
} as const;
type Subject = keyof typeof SUBJECTS;
const subjectOf = (id: string): Subject => (id.startsWith("plc_") ? "place" : id.startsWith("gst_") ? "guest" : "event");

/**
 * The organization's calendar feeds: subscribe URLs for calendar apps (an event's schedule, a
 * place's bookings, a guest's sessions). Make one (its URL shown once, to copy or open as
 * webcal://), replace a URL (the old one stops working), revoke one (confirmed).
 */
export class CalendarFeeds extends LitElement {
  static override styles = [
    styles,
    css`
      .url { display: grid; gap: 0.5rem; }
      .url input { width: 100%; box-sizing: border-box; font: 0.9rem ui-monospace, monospace; }
    `,
  ];
  /** The subject whose feeds are listed (all of the organization's when empty). */
  #of = "";
  readonly #feeds = new ListController<CalendarFeed>(this, () =>
    gk.clients.feeds.list({ limit: 20, ...(this.#of ? { subjectType: subjectOf(this.#of), subjectId: this.#of } : {}) }),
  );
  readonly #form = new FormState(this);
  #subject: Subject = "event";
  #shown: CalendarFeed | undefined;
  #copied = "";
  #error = "";

  override render() {
    const f = this.#form;
    const idError = f.errors["subject.id"] ?? f.errors.subjectId;
    return html`<h2>Calendar feeds</h2>
      <p>Subscribe URLs for calendar apps, each for one event, place or guest. A URL is shown once; revoke it and calendar apps stop getting updates.</p>
      ${this.#shown ? this.#url(this.#shown) : nothing}
      ${this.#error ? html`<p class="error" role="alert">${this.#error}</p>` : nothing}
      <form class="row" role="search" aria-label="Filter feeds" @submit=${this.#filter}>
        <label for="feed-of">Feeds of <input id="feed-of" name="of" .value=${this.#of} pattern="(evt|plc|gst)_[0-9a-z]{8,40}" title="An event, place or guest id" placeholder="evt_…, plc_… or gst_…" /></label>
        <button type="submit" class="secondary">Show</button>
        ${this.#of ? html`<button type="button" class="secondary" @click=${() => this.#showAll()}>Show all</button>` : nothing}
      </form>
      ${this.#feeds.render({
        what: "feeds",
        empty: this.#of ? `No feeds of ${this.#of}.` : "No feeds yet. Make one below.",
        rows: (feeds) => html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Feeds, newest first</caption>
          <thead><tr><th>For</th><th>Status</th><th class="optional">Last changed</th><th><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            ${feeds.map(
              (feed) => html`<tr>
                <td>${feed.subject.type} <code>${feed.subject.id}</code>${feed.label ? html`<div class="muted">${feed.label}</div>` : nothing}</td>
                <td>${feed.status === "active" ? "Active" : html`Revoked <span class="muted">${dateTime(feed.revokedAt)}</span>`}</td>
                <td class="optional">${dateTime(feed.lastChangedAt)}</td>
                <td>${
                  feed.status === "active"
                    ? html`<div class="row">
                      <button class="secondary" @click=${() => this.#rotate(feed)} aria-label="New URL for ${feed.subject.type} ${feed.subject.id}">New URL</button>
                      <button class="danger" @click=${() => this.#revoke(feed)} aria-label="Revoke the feed of ${feed.subject.type} ${feed.subject.id}">Revoke</button>
                    </div>`
                    : nothing
                }</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      <h3>Make a feed URL</h3>
      <form novalidate aria-label="Make a feed URL" @submit=${this.#create} @input=${f.check} @focusout=${f.check}>
        <label for="feed-type">For
          <select id="feed-type" name="type" @change=${(e: Event) => {
            this.#subject = (e.target as HTMLSelectElement).value as Subject;
            this.requestUpdate();
          }}>
            ${Object.entries(SUBJECTS).map(([k, s]) => html`<option value=${k} ?selected=${k === this.#subject}>${s.label}</option>`)}
          </select>
        </label>
        <label for="f-subjectId">Its id
          <input id="f-subjectId" name="subjectId" required pattern="${SUBJECTS[this.#subject].prefix}_[0-9a-z]{8,40}"
            title="An id starting with ${SUBJECTS[this.#subject].prefix}_" aria-invalid=${idError ? "true" : "false"}
            aria-describedby="f-subjectId-hint${idError ? " f-subjectId-error" : ""}" />
          <span class="muted" id="f-subjectId-hint">${SUBJECTS[this.#subject].prefix}_… (shown on its page)</span>
          ${idError ? html`<span class="field-error" id="f-subjectId-error">${idError}</span>` : nothing}
        </label>
        <label for="f-label">Note <input id="f-label" name="label" maxlength="200" aria-describedby="f-label-hint" />
          <span class="muted" id="f-label-hint">Optional: who the URL is for.</span>
        </label>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Making…" : "Make feed URL"}</button>
      </form>`;
  }

  #filter = (e: SubmitEvent) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem("of") as HTMLInputElement;
    if (!input.reportValidity()) return;
    this.#of = input.value.trim();
    void this.#feeds.reload();
  };

  #showAll() {
    this.#of = "";
    void this.#feeds.reload();
  }

  #url(feed: CalendarFeed) {
    const url = feed.url ?? "";
    return html`<div class="notice url" role="status" id="feed-url">
      <strong>The feed URL for ${feed.subject.type} ${feed.subject.id}: copy it now, it is not shown again.</strong>
      <input readonly .value=${url} aria-label="Feed URL" @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
      <div class="row">
        <button type="button" id="copy-url" @click=${() => this.#copy(url)}>Copy URL</button>
        <a href=${url.replace(/^https?:/, "webcal:")}>Subscribe in a calendar app</a>
        <button type="button" class="secondary" @click=${() => {
          this.#shown = undefined;
          this.requestUpdate();
        }}>Done</button>
      </div>
      ${this.#copied ? html`<span>${this.#copied}</span>` : nothing}
    </div>`;
  }

  async #copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      this.#copied = "Copied.";
    } catch {
      this.renderRoot.querySelector<HTMLInputElement>("#feed-url input")?.select();
      this.#copied = "Copying is not allowed here: the URL is selected, press Ctrl+C (⌘C).";
    }
    this.requestUpdate();
  }

  #show(feed: CalendarFeed) {
    this.#shown = feed;
    this.#copied = "";
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>("#copy-url")?.focus());
  }

  #create = (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    void this.#form
      .submit(e, async (v) => {
        const feed = await gk.clients.feeds.create({
          subject: { type: this.#subject, id: v.subjectId ?? "" } as never,
          ...(v.label ? { label: v.label } : {}),
        });
        this.#show(feed);
      })
      .then(async (ok) => {
        if (!ok) return;
        form.reset();
        this.#subject = "event";
        await this.#feeds.reload();
      });
  };

  async #rotate(feed: CalendarFeed) {
    if (
      !confirm(`Replace the URL of the ${feed.subject.type} ${feed.subject.id} feed? Calendar apps using the old URL stop getting updates.`)
    )
      return;
    await this.#act(async () => this.#show(await gk.clients.feeds.rotate(feed.id)));
  }

  async #revoke(feed: CalendarFeed) {
    if (!confirm(`Revoke the ${feed.subject.type} ${feed.subject.id} feed? Calendar apps using its URL stop getting updates.`)) return;
    await this.#act(async () => {
      await gk.clients.feeds.revoke(feed.id);
      if (this.#shown?.id === feed.id) this.#shown = undefined;
    });
  }

  async #act(action: () => Promise<void>) {
    this.#error = "";
    try {
      await action();
      await this.#feeds.reload();
    } catch (err) {
      this.#error = describe(err);
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-ics-import", IcsImport);
customElements.define("gk-dash-calendar-feeds", CalendarFeeds);
