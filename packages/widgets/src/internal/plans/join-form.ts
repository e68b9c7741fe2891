import type { InvitePreview, JoinPlanResult } from "@gatherkit/sdk";
import { html, nothing, type ReactiveController, type TemplateResult } from "lit";
import { ActionController } from "../../base/action-controller.js";
import { emit } from "../../base/events.js";
import { type LocalizedHost, Strings } from "../../base/i18n.js";
import type { PlanClient } from "./api.js";
import { formatDates } from "./format.js";
import { JOIN_LOCALES, JOIN_STRINGS, type JoinStrings } from "./join-form.strings.js";

/** Detail of `gk-plan-joined`: the visitor joined the plan through its invite. */
export interface PlanJoinedDetail {
  planId: string;
  /** Their participant id (`ptc_…`) in your organization. */
  participantId: string;
}

declare global {
  interface GkEventDetailMap {
    "gk-plan-joined": PlanJoinedDetail;
  }
}

type Host = ConstructorParameters<typeof ActionController>[0] & LocalizedHost;

/**
 * The join form of an invite link: the plan it leads to, the visitor's name and optional email,
 * then `gk.invites.join`. On success `onJoined` gets the participant token, and the host emits
 * `gk-plan-joined`. The API's refusal (an expired or used-up link, a missing name) is shown in
 * the form. Parts: `join`, `title`, `facts`, `description`, `input`, `button`, `form-error`.
 */
export class JoinForm implements ReactiveController {
  readonly #actions: ActionController;
  readonly #s: Strings<JoinStrings>;

  constructor(
    private readonly host: Host,
    private readonly options: {
      client: () => PlanClient | undefined;
      code: () => string | undefined;
      onJoined: (result: JoinPlanResult) => void;
    },
  ) {
    host.addController(this);
    this.#actions = new ActionController(host);
    this.#s = new Strings(host, JOIN_STRINGS, JOIN_LOCALES);
    // Made while the host renders the invite: pick the locale's table now, not at the next update.
    this.#s.hostUpdate();
  }

  hostConnected(): void {}

  render(preview: InvitePreview): TemplateResult {
    const plan = preview.plan;
    const t = this.#s.value;
    const dates = formatDates(plan.startDate, plan.endDate, this.host.resolvedLocale);
    const facts = [
      preview.organizerName ? t.organizedBy(preview.organizerName) : null,
      dates,
      plan.location?.name ?? null,
      t.joined(preview.participantCount),
    ].filter(Boolean);
    const header = html`<h2 part="title">${t.title(plan.title)}</h2>
      <p part="facts">${facts.join(" · ")}</p>
      ${plan.description ? html`<p part="description">${plan.description}</p>` : nothing}`;
    if (preview.status !== "active") {
      return html`<div part="join">${header}<p part="form-error" role="alert">${t.problems[preview.status]}</p></div>`;
    }
    const busy = this.#actions.busy("join");
    return html`<form part="join" class="join-form" @submit=${this.#submit} aria-busy=${busy ? "true" : "false"}>
      ${header}
      <div class="field">
        <label for="gk-join-name">${t.name}</label>
        <input id="gk-join-name" name="name" required maxlength="120" autocomplete="name" part="input" />
      </div>
      <div class="field">
        <label for="gk-join-email">${t.email} <span class="optional">${t.optional}</span></label>
        <input id="gk-join-email" name="email" type="email" maxlength="254" autocomplete="email" part="input" />
      </div>
      <button type="submit" part="button" aria-disabled=${busy ? "true" : "false"}>${busy ? t.joining : t.join}</button>
      ${this.#actions.renderProblem("join")}
    </form>`;
  }

  #submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const client = this.options.client();
    const code = this.options.code();
    if (!client || !code) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(data.get("name") ?? "").trim();
    const email = String(data.get("email") ?? "").trim();
    void this.#actions.run("join", async () => {
      const result = await client.invites.join(code, { name, ...(email ? { email } : {}) });
      this.options.onJoined(result);
      emit(this.host, "gk-plan-joined", { planId: result.plan.id, participantId: result.participant.participantId });
    });
  };
}
