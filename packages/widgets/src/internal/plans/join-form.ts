import type { InvitePreview, JoinPlanResult } from "@gatherkit/sdk";
import { html, nothing, type ReactiveController, type TemplateResult } from "lit";
import { ActionController } from "../../base/action-controller.js";
import { emit } from "../../base/events.js";
import type { PlanClient } from "./api.js";
import { formatDates } from "./format.js";

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

const INVITE_PROBLEMS: Record<Exclude<InvitePreview["status"], "active">, string> = {
  expired: "This invite link has expired. Ask the organizer for a new one.",
  exhausted: "This invite link has been used as many times as it allows. Ask the organizer for a new one.",
  revoked: "This invite link no longer works. Ask the organizer for a new one.",
};

type Host = ConstructorParameters<typeof ActionController>[0] & { readonly resolvedLocale?: string };

/**
 * The join form of an invite link: the plan it leads to, the visitor's name and optional email,
 * then `gk.invites.join`. On success `onJoined` gets the participant token, and the host emits
 * `gk-plan-joined`. The API's refusal (an expired or used-up link, a missing name) is shown in
 * the form. Parts: `join`, `title`, `facts`, `description`, `input`, `button`, `form-error`.
 */
export class JoinForm implements ReactiveController {
  readonly #actions: ActionController;

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
  }

  hostConnected(): void {}

  render(preview: InvitePreview): TemplateResult {
    const plan = preview.plan;
    const dates = formatDates(plan.startDate, plan.endDate, this.host.resolvedLocale);
    const facts = [
      preview.organizerName ? `Organized by ${preview.organizerName}` : null,
      dates,
      plan.location?.name ?? null,
      `${preview.participantCount} ${preview.participantCount === 1 ? "person has" : "people have"} joined`,
    ].filter(Boolean);
    const header = html`<h2 part="title">Join “${plan.title}”</h2>
      <p part="facts">${facts.join(" · ")}</p>
      ${plan.description ? html`<p part="description">${plan.description}</p>` : nothing}`;
    if (preview.status !== "active") {
      return html`<div part="join">${header}<p part="form-error" role="alert">${INVITE_PROBLEMS[preview.status]}</p></div>`;
    }
    const busy = this.#actions.busy("join");
    return html`<form part="join" class="join-form" @submit=${this.#submit} aria-busy=${busy ? "true" : "false"}>
      ${header}
      <div class="field">
        <label for="gk-join-name">Your name</label>
        <input id="gk-join-name" name="name" required maxlength="120" autocomplete="name" part="input" />
      </div>
      <div class="field">
        <label for="gk-join-email">Email <span class="optional">(optional)</span></label>
        <input id="gk-join-email" name="email" type="email" maxlength="254" autocomplete="email" part="input" />
      </div>
      <button type="submit" part="button" aria-disabled=${busy ? "true" : "false"}>${busy ? "Joining…" : "Join"}</button>
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
