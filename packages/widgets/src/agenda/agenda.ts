import type { EventSession, Subscription } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues } from "lit";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { ConfigurationError } from "../base/errors.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { TaskStatus } from "../base/task.js";
import { guestsOf } from "../internal/guests/api.js";
import { guestFieldStyles } from "../rsvp/rsvp.styles.js";
import { AGENDA_LOCALES, AGENDA_STRINGS, type AgendaStrings } from "./agenda.strings.js";
import { agendaStyles } from "./agenda.styles.js";

export { AGENDA_STRINGS, type AgendaStrings } from "./agenda.strings.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-agenda": GkAgenda;
  }
}

const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const dayOf = (iso: string, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: "full" }).format(new Date(iso));
const timeRange = (s: EventSession, locale: string) =>
  new Intl.DateTimeFormat(locale, { timeStyle: "short" }).formatRange(new Date(s.startsAt), new Date(s.endsAt));

/** Groups in first-seen order: `[key, items][]`. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): [string, T[]][] {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return [...out];
}

/**
 * An event's agenda by day and track, in the viewer's time zone (the event's zone is named), kept
 * live. With a guest's token (`token="gst_…"`, as `<gk-rsvp>` takes it; `guest-token` is the older
 * name and wins when both are set), each session that takes sign-ups has "Add to my agenda"
 * (never over its capacity, never two overlapping: the API explains a refusal next to it).
 *
 * ```html
 * <gk-agenda api-base="https://api.example.com" publishable-key="gk_pk_…" event="evt_…" token="gst_…"></gk-agenda>
 * ```
 *
 * @tag gk-agenda
 * @summary An event's sessions by day and track, with sign-up for a guest.
 *
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading the agenda failed.
 *
 * @csspart zone - Which time zone the times are in.
 * @csspart day - A day's heading; `track` its sessions of one track.
 * @csspart session - One session (also `session-picked` when the guest picked it), with `places` and `pick-button`.
 * @csspart form-error - Why the API refused a pick.
 */
export class GkAgenda extends GkElement {
  static override styles = [GkElement.styles, guestFieldStyles, agendaStyles];
  static override properties: PropertyDeclarations = {
    event: {},
    guestToken: { attribute: "guest-token" },
    strings: { attribute: false },
    latest: { state: true },
  };

  /** Sentences in your own words, over the locale's (see `AGENDA_STRINGS`). Property only. */
  declare strings: Partial<AgendaStrings>;
  readonly #s = new Strings(this, AGENDA_STRINGS, AGENDA_LOCALES);

  constructor() {
    super();
    this.strings = {};
  }

  /** The event's id (`evt_…`). */
  declare event: string | undefined;
  /**
   * A guest's personal token (`gst_….…`): they can add sessions to their agenda. Also read from
   * `token` when that holds a guest token (`token="gst_…"`); `guest-token` wins when both are set.
   */
  declare guestToken: string | undefined;

  /** A guest token given as `token` (taken off `token`: it is the guest's link, not a credential to build the client with). */
  #tokenGuest: string | undefined;

  /** The guest's token: `guest-token`, else a guest token given as `token`. */
  get #guest(): string | undefined {
    return this.guestToken || this.#tokenGuest;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.token?.startsWith("gst_")) {
      this.#tokenGuest = this.token;
      this.token = undefined;
    }
    super.willUpdate(changed);
  }

  /** The agenda as refreshed after a change (live or a pick), shown instead of the first load without a spinner. */
  declare protected latest: { sessions: EventSession[]; picked: Set<string> } | undefined;

  readonly #actions = new ActionController(this);
  #sub: Subscription | undefined;
  #subFor: string | undefined;

  readonly #data = this.load(
    () => [this.event, this.#guest] as const,
    async (gk, [event, token], { signal }) => {
      if (!event) throw new ConfigurationError("<gk-agenda> needs an event attribute: the event's id (evt_…).");
      const [e, now] = await Promise.all([guestsOf(gk).retrieve(event, { signal }), this.#read(event, token, signal)]);
      this.latest = undefined;
      return { timeZone: e.timeZone, ...now };
    },
  );

  async #read(event: string, token: string | undefined, signal?: AbortSignal) {
    const { sessions } = guestsOf(this.gatherkit!);
    const [list, picks] = await Promise.all([sessions.list(event, { signal }), token ? sessions.picks(event, token, { signal }) : []]);
    return { sessions: list, picked: new Set(picks.map((s) => s.id)) };
  }

  /** Reads the agenda again and shows it in place (a failure keeps what is shown). */
  async #refresh(): Promise<void> {
    if (!this.gatherkit || !this.event) return;
    try {
      this.latest = await this.#read(this.event, this.#guest);
    } catch {
      // Live updates are best effort: what is shown stays usable.
    }
  }

  override render() {
    const t = this.#s.value;
    const locale = this.resolvedLocale;
    return this.renderTask(this.#data, {
      messages: { loading: t.loading, empty: t.empty },
      isEmpty: (v) => v.sessions.length === 0,
      complete: ({ timeZone, ...loaded }) => {
        const { sessions, picked } = this.latest ?? loaded;
        const zone = viewerZone();
        return html`<section class="agenda" aria-label=${t.agenda}>
          <p part="zone" class="muted">${t.zone(zone, zone !== timeZone ? timeZone : null)}</p>
          ${groupBy(sessions, (s) => dayOf(s.startsAt, locale)).map(
            ([day, ofDay]) => html`<h2 part="day">${day}</h2>
              ${groupBy(ofDay, (s) => s.track ?? "").map(
                ([track, list]) => html`<div part="track">
                  ${track ? html`<h3>${track}</h3>` : nothing}
                  <ul>
                    ${list.map((s) => this.#renderSession(s, picked.has(s.id), t, locale))}
                  </ul>
                </div>`,
              )}`,
          )}
        </section>`;
      },
    });
  }

  #renderSession(s: EventSession, picked: boolean, t: AgendaStrings, locale: string) {
    const full = s.capacity !== null && s.signedUp >= s.capacity;
    const key = `pick:${s.id}`;
    return html`<li part="session${picked ? " session-picked" : ""}" data-id=${s.id}>
      <h4>${s.title}</h4>
      <p>${timeRange(s, locale)}${s.room ? ` · ${s.room}` : ""}</p>
      ${s.speakers.length ? html`<p class="muted">${s.speakers.map((p) => p.name).join(", ")}</p>` : nothing}
      ${s.capacity !== null ? html`<p part="places" class="muted">${full ? t.full : t.placesLeft(s.capacity - s.signedUp, s.capacity)}</p>` : nothing}
      ${
        this.#guest
          ? html`<div>
              <button
                part="button pick-button"
                type="button"
                aria-pressed=${picked ? "true" : "false"}
                aria-disabled=${this.#actions.busy(key) ? "true" : "false"}
                ?disabled=${full && !picked}
                @click=${() => void this.#toggle(s, picked)}
              >
                ${picked ? t.remove : t.add}<span class="visually-hidden">: ${s.title}</span>
              </button>
              ${this.#actions.renderProblem(key)}
            </div>`
          : nothing
      }
    </li>`;
  }

  async #toggle(s: EventSession, picked: boolean): Promise<void> {
    const gk = this.gatherkit;
    const { event } = this;
    const guestToken = this.#guest;
    if (!gk || !event || !guestToken) return;
    const { sessions } = guestsOf(gk);
    const ok = await this.#actions.run(`pick:${s.id}`, async () => {
      if (picked) await sessions.drop(event, guestToken, s.id);
      else await sessions.pick(event, guestToken, s.id);
      return true;
    });
    if (ok) await this.#refresh();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const gk = this.gatherkit;
    const key = gk && this.event && this.#data.status === TaskStatus.COMPLETE ? this.event : undefined;
    if (key === this.#subFor) return;
    this.#sub?.close();
    this.#subFor = key;
    this.#sub =
      gk && key
        ? guestsOf(gk).guests.subscribe(key, {
            onAgendaChanged: () => void this.#refresh(),
            onResync: () => void this.#refresh(),
            onError: () => {},
          })
        : undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#sub?.close();
    this.#sub = undefined;
    this.#subFor = undefined;
  }
}

defineElement("gk-agenda", GkAgenda);
