import type { Headcount, Invitation, PushRegistration, Registration, RsvpSettings, Subscription } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues } from "lit";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { ConfigurationError } from "../base/errors.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { TaskStatus } from "../base/task.js";
import { formatWhen, guestsOf } from "../internal/guests/api.js";
import { formatInstant } from "../internal/plans/format.js";
import { RSVP_LOCALES, RSVP_STRINGS, type RsvpStrings } from "./rsvp.strings.js";
import { guestFieldStyles, rsvpStyles } from "./rsvp.styles.js";

export { RSVP_STRINGS, type RsvpStrings } from "./rsvp.strings.js";

declare global {
  interface HTMLElementTagNameMap {
    "gk-rsvp": GkRsvp;
  }
  interface GkEventDetailMap {
    "gk-rsvp-changed": RsvpChangedDetail;
  }
}

/** Detail of `gk-rsvp-changed`: the invitation as the API answered it, and the guest's token (new after a registration). */
export interface RsvpChangedDetail {
  invitation: Invitation;
  token: string;
}

type Answer = "yes" | "maybe" | "no";
type Question = Invitation["questions"][number];
const ANSWERS: Answer[] = ["yes", "maybe", "no"];
const answerOf = (status: Invitation["guest"]["status"]): Answer | undefined =>
  status === "confirmed" || status === "waitlisted" || status === "pending_approval"
    ? "yes"
    : status === "maybe"
      ? "maybe"
      : status === "declined"
        ? "no"
        : undefined;

/**
 * A guest's invitation: the event, their RSVP (yes / maybe / no) with plus-ones and their names
 * and the organizer's questions, the waitlist position when waitlisted, and a confirmation with
 * add-to-calendar links. Without a guest `token`, an `open` or `approval` event shows a
 * registration form instead. The headcount (going / maybe) updates live.
 *
 * ```html
 * <gk-rsvp api-base="https://api.example.com" publishable-key="gk_pk_…" event="evt_…" token="gst_…"></gk-rsvp>
 * ```
 *
 * @tag gk-rsvp
 * @summary An invitation with RSVP yes / maybe / no, plus-ones and questions, or an event's registration form.
 *
 * @event {CustomEvent<RsvpChangedDetail>} gk-rsvp-changed - The API recorded an answer or a registration.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading the invitation failed.
 *
 * @csspart title - The event's title.
 * @csspart when - When and where.
 * @csspart headcount - Live: how many are going and maybe.
 * @csspart status - The guest's answer now (and waitlist position).
 * @csspart form - The RSVP or registration form, with `answers`, `plus-ones`, `plus-one-name`, `question` and `submit-button`.
 * @csspart form-error - Why the API refused the answer.
 * @csspart confirmation - After answering: `calendar-links` and `change-button`.
 * @csspart closed - Why answers cannot change any more.
 * @csspart push - "Remind me on this device" (after a yes or maybe, where the page's service worker can receive push):
 *   `<gk-rsvp-push>`, loaded on demand; empty where there is no such service worker.
 */
export class GkRsvp extends GkElement {
  static override styles = [GkElement.styles, rsvpStyles, guestFieldStyles];
  static override properties: PropertyDeclarations = {
    event: {},
    guestToken: { attribute: "guest-token" },
    answer: { state: true },
    plusOnes: { state: true },
    editing: { state: true },
    live: { state: true },
    mine: { state: true },
    strings: { attribute: false },
    pushRegistration: { attribute: false },
  };

  /** Sentences in your own words, over the locale's (see `RSVP_STRINGS`). Property only. */
  declare strings: Partial<RsvpStrings>;
  readonly #s = new Strings(this, RSVP_STRINGS, RSVP_LOCALES);
  get #t(): RsvpStrings {
    return this.#s.value;
  }

  /** The event's id (`evt_…`). */
  declare event: string | undefined;
  /**
   * The guest's personal token (`gst_….…`) from their invitation link; without it, the registration
   * form. Also read from `token` when that holds a guest token (`token="gst_…"`, as the invitation
   * link's `token` parameter carries it); `guest-token` is the older name and wins when both are set.
   */
  declare guestToken: string | undefined;

  /** A guest token given as `token` (taken off `token`: it is the guest's link, not a credential to build the client with). */
  #tokenGuest: string | undefined;

  /** The guest's token: `guest-token`, else a guest token given as `token`. */
  get #guest(): string | undefined {
    return this.guestToken ?? this.#tokenGuest;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.token?.startsWith("gst_")) {
      this.#tokenGuest = this.token;
      this.token = undefined;
    }
    super.willUpdate(changed);
  }
  /**
   * The service worker registration to subscribe to push with (your page's; it shows the
   * notifications). Default: the page's own, `navigator.serviceWorker.getRegistration()`. Without
   * one, or in a browser without the Push API, no "Remind me on this device". Property only.
   */
  declare pushRegistration: PushRegistration | undefined;

  declare protected answer: Answer | undefined;
  declare protected plusOnes: number;
  declare protected editing: boolean;
  declare protected live: Headcount | undefined;
  /** The invitation as last answered (or registered) here. */
  declare protected mine: { invitation: Invitation; token: string } | undefined;

  readonly #actions = new ActionController(this);
  #sub: Subscription | undefined;
  #subFor: string | undefined;

  constructor() {
    super();
    this.plusOnes = 0;
    this.editing = false;
    this.strings = {};
  }

  readonly #data = this.load(
    () => [this.event, this.#guest] as const,
    async (gk, [event, token], { signal }) => {
      if (!event) throw new ConfigurationError("<gk-rsvp> needs an event attribute: the event's id (evt_…).");
      const { guests } = guestsOf(gk);
      const [invitation, settings] = await Promise.all([
        token ? guests.invitation(event, token, { signal }) : undefined,
        guests.settings(event, { signal }),
      ]);
      this.mine = undefined;
      this.editing = false;
      this.#prefill(invitation);
      return { invitation, settings };
    },
  );

  #prefill(invitation: Invitation | undefined): void {
    this.answer = invitation ? answerOf(invitation.guest.status) : undefined;
    this.plusOnes = invitation?.guest.plusOnes ?? 0;
  }

  override render() {
    return this.renderTask(this.#data, {
      messages: { loading: this.#t.loading },
      isEmpty: () => false,
      complete: ({ invitation, settings }) => {
        const inv = this.mine?.invitation ?? invitation;
        return inv ? this.#renderInvitation(inv, settings) : this.#renderRegistration(settings);
      },
    });
  }

  #renderHeadcount(settings: RsvpSettings) {
    const yes = this.live?.yes ?? settings.confirmed;
    const cap = this.live ? this.live.capacity : settings.capacity;
    const maybe = this.live?.maybe;
    return html`<p part="headcount" class="muted" aria-live="polite">
      ${this.#t.headcount(yes, cap, maybe ?? 0)}
    </p>`;
  }

  #renderInvitation(inv: Invitation, settings: RsvpSettings) {
    const e = inv.event;
    const answered = inv.guest.status !== "invited";
    const form = inv.open && (this.editing || !answered);
    return html`<section class="rsvp" aria-labelledby="title">
      <h2 part="title" id="title">${e.title}</h2>
      <p part="when">${formatWhen(e.startsAt, e.endsAt, e.timeZone, this.resolvedLocale)} (${e.timeZone})${e.venueName ? html`<br />${e.venueName}` : nothing}</p>
      ${this.#renderHeadcount(settings)}
      <p part="status" id="status" tabindex="-1">
        ${this.#t.hello(inv.guest.name)} ${this.#t.status[inv.guest.status]}
        ${inv.guest.waitlistPosition ? ` ${this.#t.waitlistPosition(inv.guest.waitlistPosition)}` : nothing}
      </p>
      ${
        form
          ? this.#renderForm(inv.questions, inv.maxPlusOnes, inv.guest)
          : inv.open
            ? this.#renderConfirmation(inv)
            : html`<p part="closed">${this.#t.closedOn(formatInstant(inv.deadline, e.timeZone, this.resolvedLocale))}</p>${answered ? this.#renderLinks(inv) : nothing}`
      }
    </section>`;
  }

  #renderLinks(inv: Invitation) {
    if (inv.guest.status !== "confirmed" && inv.guest.status !== "maybe") return nothing;
    // Where the browser has the Push API: "Remind me on this device", from its own chunk.
    const push = "PushManager" in globalThis && import("./rsvp-push.js");
    return html`<ul part="calendar-links" aria-label=${this.#t.calendar}>
        <li><a href=${inv.calendar.google} target="_blank" rel="noopener">Google Calendar</a></li>
        <li><a href=${inv.calendar.outlook} target="_blank" rel="noopener">Outlook</a></li>
        <li><a href=${inv.calendar.ics} download>${this.#t.ics}</a></li>
      </ul>
      ${
        push
          ? html`<gk-rsvp-push
              part="push"
              .client=${this.gatherkit}
              .event=${this.event}
              .token=${this.mine?.token ?? this.#guest}
              .registration=${this.pushRegistration}
              .locale=${this.resolvedLocale}
            ></gk-rsvp-push>`
          : nothing
      }`;
  }

  #renderConfirmation(inv: Invitation) {
    return html`<div part="confirmation">
      ${this.#renderLinks(inv)}
      <div class="actions">
        <button
          part="button change-button"
          type="button"
          @click=${() => {
            this.#prefill(inv);
            this.editing = true;
            this.#actions.focusAfterUpdate('input[name="answer"]:checked, input[name="answer"]');
          }}
        >
          ${this.#t.change}
        </button>
      </div>
    </div>`;
  }

  #renderForm(questions: Question[], maxPlusOnes: number, guest?: Invitation["guest"]) {
    const t = this.#t;
    const registering = !guest;
    const answer = registering ? "yes" : this.answer;
    const coming = answer === "yes" || answer === "maybe";
    const busy = this.#actions.busy("rsvp");
    return html`<form part="form" novalidate @submit=${(e: SubmitEvent) => this.#submit(e, questions, guest)}>
      ${
        registering
          ? html`<label>${t.name} <input name="name" autocomplete="name" required maxlength="120" /></label>
              <label>${t.email} <input name="email" type="email" autocomplete="email" required maxlength="254" /></label>`
          : html`<fieldset part="answers">
              <legend>${t.willYouCome}</legend>
              ${ANSWERS.map(
                (value) => html`<label class="inline"
                  ><input
                    type="radio"
                    name="answer"
                    .value=${value}
                    .checked=${answer === value}
                    @change=${() => {
                      this.answer = value;
                    }}
                  />${t.answers[value]}</label
                >`,
              )}
            </fieldset>`
      }
      ${
        coming && maxPlusOnes > 0
          ? html`<label
                >${t.plusOnes(maxPlusOnes)}
                <input
                  part="plus-ones"
                  name="plusOnes"
                  type="number"
                  min="0"
                  max=${maxPlusOnes}
                  .value=${String(this.plusOnes)}
                  @input=${(e: Event) => {
                    const n = Number((e.target as HTMLInputElement).value);
                    this.plusOnes = Number.isInteger(n) ? Math.max(0, Math.min(maxPlusOnes, n)) : 0;
                  }}
              /></label>
              ${Array.from(
                { length: this.plusOnes },
                (_, i) => html`<label
                  >${t.plusOneName(i + 1)}
                  <input part="plus-one-name" name="plusOneName" maxlength="120" .value=${guest?.plusOneNames[i] ?? ""}
                /></label>`,
              )}`
          : nothing
      }
      ${coming ? questions.map((q) => this.#renderQuestion(q, guest?.answers[q.id])) : nothing}
      ${this.#actions.renderProblem("rsvp")}
      <div class="actions">
        <button part="button submit-button" type="submit" aria-disabled=${busy ? "true" : "false"} ?disabled=${!answer}>
          ${registering ? t.register : t.send}
        </button>
      </div>
    </form>`;
  }

  #renderQuestion(q: Question, given: string | boolean | undefined) {
    const label = q.required ? this.#t.required(q.label) : q.label;
    const name = `q:${q.id}`;
    if (q.kind === "yes_no") {
      return html`<label part="question" class="inline"><input type="checkbox" name=${name} .checked=${given === true} />${label}</label>`;
    }
    if (q.kind === "choice") {
      return html`<label part="question"
        >${label}
        <select name=${name} ?required=${q.required}>
          <option value="">${this.#t.choose}</option>
          ${q.options.map((o) => html`<option .value=${o} ?selected=${given === o}>${o}</option>`)}
        </select></label
      >`;
    }
    return html`<label part="question"
      >${label} <input name=${name} maxlength="500" ?required=${q.required} .value=${typeof given === "string" ? given : ""}
    /></label>`;
  }

  async #submit(e: SubmitEvent, questions: Question[], guest?: Invitation["guest"]): Promise<void> {
    e.preventDefault();
    const gk = this.gatherkit;
    const event = this.event;
    if (!gk || !event) return;
    const form = new FormData(e.target as HTMLFormElement);
    const coming = !guest || this.answer !== "no";
    const answers: Record<string, string | boolean> = {};
    if (coming) {
      for (const q of questions) answers[q.id] = q.kind === "yes_no" ? form.get(`q:${q.id}`) === "on" : String(form.get(`q:${q.id}`) ?? "");
    }
    const plusOnes = coming ? this.plusOnes : 0;
    const plusOneNames = (form.getAll("plusOneName") as string[]).map((n) => n.trim()).filter(Boolean);
    const { guests } = guestsOf(gk);
    const done = await this.#actions.run(
      "rsvp",
      async (): Promise<RsvpChangedDetail> => {
        if (!guest) {
          const r: Registration = await guests.register(event, {
            name: String(form.get("name") ?? ""),
            email: String(form.get("email") ?? ""),
            plusOnes,
            plusOneNames,
            answers,
          });
          return { invitation: r.invitation, token: r.token };
        }
        const token = this.mine?.token ?? this.#guest!;
        const invitation = await guests.answer(event, token, { answer: this.answer!, plusOnes, plusOneNames, answers });
        return { invitation, token };
      },
      { focus: "#status" },
    );
    if (!done) return;
    this.mine = done;
    this.editing = false;
    emit(this, "gk-rsvp-changed", done);
  }

  #renderRegistration(settings: RsvpSettings) {
    if (settings.mode === "invite_only") {
      return html`<p part="closed">${this.#t.inviteOnly}</p>`;
    }
    return html`<section class="rsvp" aria-labelledby="title">
      <h2 part="title" id="title">${settings.mode === "approval" ? this.#t.askToAttend : this.#t.register}</h2>
      ${this.#renderHeadcount(settings)} ${this.#renderForm(settings.questions, settings.maxPlusOnes)}
    </section>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Live headcount: the event's room, once the page has a client and the event loaded.
    const gk = this.gatherkit;
    const key = gk && this.event && this.#data.status === TaskStatus.COMPLETE ? this.event : undefined;
    if (key === this.#subFor) return;
    this.#sub?.close();
    this.#sub = undefined;
    this.#subFor = key;
    if (gk && key) {
      this.#sub = guestsOf(gk).guests.subscribe(key, {
        onHeadcountChanged: (data) => {
          this.live = data;
        },
        onError: () => {},
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#sub?.close();
    this.#sub = undefined;
    this.#subFor = undefined;
  }
}

defineElement("gk-rsvp", GkRsvp);
