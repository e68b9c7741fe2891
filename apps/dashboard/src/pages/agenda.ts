import type { EventSession, TicketedEvent } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE } from "../router.js";
import { field, styles } from "../ui.js";

/** The wall-clock parts of `ms` in `timeZone`. */
function partsIn(ms: number, timeZone: string) {
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second) };
}

/** A date (`2031-07-02`) and time (`19:30`) on the clocks of `timeZone`, as an ISO instant. */
export function zonedToIso(date: string, time: string, timeZone: string): string {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  const offset = (ms: number) => {
    const p = partsIn(ms, timeZone);
    return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - ms;
  };
  // Twice: the offset at the guess may differ from the offset at the answer (a DST change between).
  let ms = wall - offset(wall);
  ms = wall - offset(ms);
  return new Date(ms).toISOString();
}

/** An ISO instant as a date and time on the clocks of `timeZone`, for date and time inputs. */
export function isoToZoned(iso: string, timeZone: string): { date: string; time: string } {
  const p = partsIn(Date.parse(iso), timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return { date: `${p.y}-${two(p.mo)}-${two(p.d)}`, time: `${two(p.h)}:${two(p.mi)}` };
}

const speakerNames = (text: string) =>
  text
    .split("\n")
    .map((n) => n.trim())
    .filter(Boolean);

/**
 * An event's agenda: its sessions with their times in the event's time zone, room, track,
 * capacity and how many guests signed up; a form that adds or edits one (checked as you type:
 * the end after the start), and deleting with a confirmation.
 */
export class AgendaPage extends LitElement {
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
  #sessions: EventSession[] = [];
  #state: "loading" | "ready" | "error" = "loading";
  #error = "";
  #actionError = "";
  #editing: EventSession | undefined;
  readonly #form = new FormState(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.#state = "loading";
    this.requestUpdate();
    try {
      [this.#event, this.#sessions] = await Promise.all([gk.events.retrieve(this.eventId), gk.events.sessions.list(this.eventId)]);
      this.#state = "ready";
    } catch (err) {
      this.#error = describe(err);
      this.#state = "error";
    }
    this.requestUpdate();
  }

  override render() {
    if (this.#state === "error") {
      return html`<div class="error" role="alert">Could not load the agenda: ${this.#error}
        <button class="secondary" @click=${() => this.#load()}>Retry</button></div>`;
    }
    const ev = this.#event;
    if (this.#state === "loading" || !ev) return html`<p role="status">Loading the agenda…</p>`;
    return html`<p><a href="${BASE}/events/${ev.id}">← ${ev.title}</a></p>
      <h1>Agenda</h1>
      <p class="muted">Times are in the event's time zone, <strong>${ev.timeZone}</strong>.</p>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#sessions.length === 0 ? html`<p class="muted">No sessions yet. Add the first one below.</p>` : this.#renderTable(ev)}
      ${this.#renderForm(ev)}`;
  }

  #when(s: EventSession, tz: string) {
    const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: tz }).format(Date.parse(s.startsAt));
    const t = new Intl.DateTimeFormat(undefined, { timeStyle: "short", timeZone: tz });
    return `${day}, ${t.format(Date.parse(s.startsAt))}–${t.format(Date.parse(s.endsAt))}`;
  }

  #renderTable(ev: TicketedEvent) {
    const sorted = [...this.#sessions].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Sessions"><table>
      <caption class="muted" style="text-align:left">Sessions in time order</caption>
      <thead><tr><th>Session</th><th>When</th><th class="optional">Room · track</th><th>Signed up</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        ${sorted.map(
          (s) => html`<tr data-session=${s.id}>
            <td>${s.title}${s.speakers.length ? html`<br /><span class="muted">${s.speakers.map((x) => x.name).join(", ")}</span>` : nothing}</td>
            <td data-testid="when">${this.#when(s, ev.timeZone)}</td>
            <td class="optional">${[s.room, s.track].filter(Boolean).join(" · ") || "—"}</td>
            <td data-testid="signed-up">${s.signedUp}${s.capacity === null ? "" : ` / ${s.capacity}`}</td>
            <td><div class="row">
              <button class="secondary" aria-label="Edit ${s.title}" @click=${() => this.#edit(s)}>Edit</button>
              <button class="danger" aria-label="Delete ${s.title}" @click=${() => this.#delete(s)}>Delete</button>
            </div></td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  #renderForm(ev: TicketedEvent) {
    const f = this.#form;
    const s = this.#editing;
    const start = s ? isoToZoned(s.startsAt, ev.timeZone) : isoToZoned(ev.startsAt, ev.timeZone);
    const end = s ? isoToZoned(s.endsAt, ev.timeZone) : undefined;
    const title = s ? `Edit “${s.title}”` : "New session";
    // Keyed by the session: a different one (or a new one) starts from its own values.
    return html`<h2 id="session-form-title">${title}</h2>
      <form novalidate aria-labelledby="session-form-title" data-session=${s?.id ?? "new"} @submit=${this.#save} @input=${this.#check} @focusout=${this.#check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Title", name: "title", value: s?.title ?? "", required: true, error: f.errors.title })}
        <label for="f-description">Description
          <textarea id="f-description" name="description" rows="3" maxlength="5000" .value=${s?.description ?? ""}></textarea>
        </label>
        ${field({ label: "Day", name: "date", type: "date", value: start.date, required: true, error: f.errors.date })}
        ${field({ label: "Starts", name: "start", type: "time", value: s ? start.time : "", required: true, error: f.errors.start ?? f.errors.startsAt, hint: `On ${ev.timeZone}'s clocks.` })}
        ${field({ label: "Ends", name: "end", type: "time", value: end?.time ?? "", required: true, error: f.errors.end ?? f.errors.endsAt })}
        <label for="f-speakers">Speakers
          <textarea id="f-speakers" name="speakers" rows="2" aria-describedby="f-speakers-hint${f.errors.speakers ? " f-speakers-error" : ""}"
            aria-invalid=${f.errors.speakers ? "true" : "false"} .value=${s?.speakers.map((x) => x.name).join("\n") ?? ""}></textarea>
          <span class="muted" id="f-speakers-hint">One name a line (at most 20).</span>
          ${f.errors.speakers ? html`<span class="field-error" id="f-speakers-error">${f.errors.speakers}</span>` : nothing}
        </label>
        ${field({ label: "Room", name: "room", value: s?.room ?? "", error: f.errors.room })}
        ${field({ label: "Track", name: "track", value: s?.track ?? "", error: f.errors.track })}
        ${field({ label: "Capacity", name: "capacity", type: "number", min: "1", step: "1", value: s?.capacity ? String(s.capacity) : "", error: f.errors.capacity, hint: "Guests who may sign up; empty for no limit." })}
        <div class="row">
          <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : s ? "Save session" : "Add session"}</button>
          ${s ? html`<button type="button" class="secondary" @click=${() => this.#edit(undefined)}>Cancel editing</button>` : nothing}
        </div>
      </form>`;
  }

  /** The browser's checks as you type, plus one of ours: a session ends after it starts. */
  #check = (e: Event) => {
    const form = e.currentTarget as HTMLFormElement;
    const start = form.elements.namedItem("start") as HTMLInputElement | null;
    const end = form.elements.namedItem("end") as HTMLInputElement | null;
    if (start && end) {
      end.setCustomValidity(start.value && end.value && end.value <= start.value ? "Ends after it starts (same day)." : "");
      if (end.value && (e.target === start || e.target === end)) {
        const { end: _, endsAt: __, ...rest } = this.#form.errors;
        this.#form.errors = end.validity.valid ? rest : { ...rest, end: end.validationMessage };
      }
    }
    const speakers = form.elements.namedItem("speakers") as HTMLTextAreaElement | null;
    if (speakers) {
      const names = speakerNames(speakers.value);
      speakers.setCustomValidity(
        names.length > 20 ? "At most 20 speakers." : names.some((n) => n.length > 120) ? "A name has at most 120 characters." : "",
      );
    }
    this.#form.check(e);
  };

  #edit(s: EventSession | undefined) {
    this.#editing = s;
    this.#form.errors = {};
    this.#form.error = "";
    this.requestUpdate();
    void this.updateComplete.then(() => {
      const form = this.renderRoot.querySelector<HTMLFormElement>("form");
      if (!s) form?.reset();
      form?.querySelector<HTMLInputElement>("#f-title")?.focus();
    });
  }

  #save = async (e: SubmitEvent) => {
    const ev = this.#event;
    if (!ev) return;
    const form = e.target as HTMLFormElement;
    const editing = this.#editing;
    let saved: EventSession | undefined;
    await this.#form.submit(e, async (v) => {
      const body = {
        title: v.title ?? "",
        description: v.description ?? "",
        startsAt: zonedToIso(v.date ?? "", v.start ?? "", ev.timeZone),
        endsAt: zonedToIso(v.date ?? "", v.end ?? "", ev.timeZone),
        room: v.room?.trim() || null,
        track: v.track?.trim() || null,
        capacity: v.capacity ? Number(v.capacity) : null,
        // A speaker kept by name keeps their bio and photo.
        speakers: speakerNames(v.speakers ?? "").map((name) => {
          const known = editing?.speakers.find((x) => x.name === name);
          return known ? { name, bio: known.bio, photoUrl: known.photoUrl } : { name };
        }),
      };
      saved = editing ? await gk.events.sessions.update(ev.id, editing.id, body) : await gk.events.sessions.create(ev.id, body);
    });
    if (!saved) return;
    const done = saved;
    this.#sessions = [...this.#sessions.filter((x) => x.id !== done.id), done];
    this.#editing = undefined;
    form.reset();
    this.requestUpdate();
  };

  async #delete(s: EventSession) {
    const who = s.signedUp ? ` The ${s.signedUp} guest(s) signed up for it lose their place.` : "";
    if (!confirm(`Delete “${s.title}”?${who}`)) return;
    this.#actionError = "";
    try {
      await gk.events.sessions.del(this.eventId, s.id);
      this.#sessions = this.#sessions.filter((x) => x.id !== s.id);
      if (this.#editing?.id === s.id) this.#editing = undefined;
    } catch (err) {
      this.#actionError = `Could not delete “${s.title}”: ${describe(err)}`;
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-agenda", AgendaPage);
