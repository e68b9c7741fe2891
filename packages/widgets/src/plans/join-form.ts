import type { Gatherkit, InvitePreview, JoinPlanResult } from "@gatherkit/sdk";
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from "lit";
import { emit } from "../base/events.js";
import { type FormProblem, formProblem, renderFormProblem } from "./form-problem.js";
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

/**
 * The join form of an invite link: the plan it leads to, the visitor's name and optional email,
 * then `gk.invites.join`. On success `onJoined` gets the participant token, and the host emits
 * `gk-plan-joined`. The API's refusal (an expired or used-up link, a missing name) is shown in
 * the form.
 */
export class JoinForm implements ReactiveController {
  #submitting = false;
  #problem: FormProblem | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: {
      client: () => Gatherkit | undefined;
      code: () => string | undefined;
      onJoined: (result: JoinPlanResult) => void;
    },
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  render(preview: InvitePreview): TemplateResult {
    const plan = preview.plan;
    const dates = formatDates(plan.startDate, plan.endDate);
    const facts = [
      preview.organizerName ? `Organized by ${preview.organizerName}` : null,
      dates,
      plan.location?.name ?? null,
      `${preview.participantCount} ${preview.participantCount === 1 ? "person has" : "people have"} joined`,
    ].filter(Boolean);
    const header = html`<h2 part="join-title">Join “${plan.title}”</h2>
      <p part="join-facts">${facts.join(" · ")}</p>
      ${plan.description ? html`<p part="join-description">${plan.description}</p>` : nothing}`;
    if (preview.status !== "active") {
      return html`<div part="join">${header}<p part="form-error" role="alert">${INVITE_PROBLEMS[preview.status]}</p></div>`;
    }
    return html`<form part="join join-form" @submit=${this.#submit} aria-busy=${this.#submitting ? "true" : "false"}>
      ${header}
      <div part="field">
        <label for="gk-join-name">Your name</label>
        <input id="gk-join-name" name="name" required maxlength="120" autocomplete="name" part="input" />
      </div>
      <div part="field">
        <label for="gk-join-email">Email <span class="optional">(optional)</span></label>
        <input id="gk-join-email" name="email" type="email" maxlength="254" autocomplete="email" part="input" />
      </div>
      <button type="submit" part="join-button" aria-disabled=${this.#submitting ? "true" : "false"}>${this.#submitting ? "Joining…" : "Join"}</button>
      ${renderFormProblem(this.#problem)}
    </form>`;
  }

  #submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const client = this.options.client();
    const code = this.options.code();
    if (!client || !code || this.#submitting) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = String(data.get("name") ?? "").trim();
    const email = String(data.get("email") ?? "").trim();
    this.#submitting = true;
    this.#problem = undefined;
    this.host.requestUpdate();
    try {
      const result = await client.invites.join(code, { name, ...(email ? { email } : {}) });
      this.options.onJoined(result);
      emit(this.host, "gk-plan-joined", { planId: result.plan.id, participantId: result.participant.participantId });
    } catch (error) {
      this.#problem = formProblem(error);
    } finally {
      this.#submitting = false;
      this.host.requestUpdate();
    }
  };
}
