import type { Plan, ProposalCreateParams } from "@gatherkit/sdk";
import { html, type TemplateResult } from "lit";
import type { ActionController } from "../base/action-controller.js";
import { emit } from "../base/events.js";
import { parseMoney, zonedToIso } from "../internal/plans/parse.js";
import type { PlanStore } from "../internal/plans/plan-store.js";
import type { PlanProposalsStrings } from "./plan-proposals.strings.js";

/**
 * The "Propose something" form of `<gk-plan-proposals>`: title, description, when (in the plan's
 * time zone), cost and link, then `gk.plans.proposals.create`. It sits folded until opened, so the
 * element fetches this module once its proposals show rather than before.
 */
export interface ProposeForm {
  plan: Plan;
  store: () => PlanStore | undefined;
  /** The element's actions (key `propose`): busy state, the API's refusal, focus after adding. */
  actions: ActionController;
  /** The title of the proposal just added, announced under the form. */
  added: string | undefined;
  setAdded: (title: string | undefined) => void;
  /** The element that emits `gk-proposal-created`. */
  origin: EventTarget;
  /** The element's sentences, in its language. */
  strings: PlanProposalsStrings;
}

export function renderProposeForm(f: ProposeForm): TemplateResult {
  const { plan, actions, strings: t } = f;
  const busy = actions.busy("propose");
  return html`<form @submit=${(e: SubmitEvent) => propose(e, f)} aria-busy=${busy ? "true" : "false"}>
    <div class="field">
      <label for="p-title">${t.title}</label>
      <input id="p-title" name="title" required maxlength="200" part="input" />
    </div>
    <div class="field">
      <label for="p-description">${t.description} <span class="optional">${t.optional}</span></label>
      <textarea id="p-description" name="description" maxlength="5000" part="input"></textarea>
    </div>
    <div class="row">
      <div class="field">
        <label for="p-starts">${t.starts} <span class="optional">${t.startsHint(plan.timeZone)}</span></label>
        <input id="p-starts" name="startsAt" type="datetime-local" part="input" />
      </div>
      <div class="field">
        <label for="p-ends">${t.ends} <span class="optional">${t.optional}</span></label>
        <input id="p-ends" name="endsAt" type="datetime-local" part="input" />
      </div>
    </div>
    <div class="row">
      <div class="field">
        <label for="p-cost">${t.costIn(plan.currency)} <span class="optional">${t.optional}</span></label>
        <input id="p-cost" name="cost" inputmode="decimal" autocomplete="off" part="input" />
      </div>
      <div class="field">
        <label for="p-cost-kind">${t.costIs}</label>
        <select id="p-cost-kind" name="costKind" part="input">
          <option value="per_person">${t.perPerson}</option>
          <option value="total">${t.totalShared}</option>
        </select>
      </div>
    </div>
    <div class="field">
      <label for="p-url">${t.link} <span class="optional">${t.optional}</span></label>
      <input id="p-url" name="url" type="url" maxlength="2000" placeholder="https://" part="input" />
    </div>
    <button type="submit" part="button" aria-disabled=${busy ? "true" : "false"}>${busy ? t.adding : t.add}</button>
    <p class="form-status" role="status">${f.added ? t.added(f.added) : ""}</p>
    ${actions.renderProblem("propose")}
  </form>`;
}

function propose(event: SubmitEvent, f: ProposeForm): void {
  const { plan, actions } = f;
  event.preventDefault();
  const store = f.store();
  if (!store) return;
  const form = event.currentTarget as HTMLFormElement;
  const data = new FormData(form);
  const field = (name: string) => String(data.get(name) ?? "").trim();
  const params: ProposalCreateParams = { title: field("title") };
  if (field("description")) params.description = field("description");
  if (field("url")) params.url = field("url");
  for (const key of ["startsAt", "endsAt"] as const) {
    const iso = field(key) ? zonedToIso(field(key), plan.timeZone) : null;
    if (iso) params[key] = iso;
  }
  if (field("cost")) {
    const amount = parseMoney(field("cost"), plan.currency);
    if (amount === null) {
      f.setAdded(undefined);
      actions.fail("propose", f.strings.costInvalid(plan.currency));
      return;
    }
    params.cost = { kind: field("costKind") === "total" ? "total" : "per_person", amount, currency: plan.currency };
  }
  f.setAdded(undefined);
  void actions.run(
    "propose",
    async () => {
      const proposal = await store.client.plans.proposals.create(plan.id, params);
      store.votes.upsert(proposal);
      form.reset();
      f.setAdded(proposal.title);
      emit(f.origin, "gk-proposal-created", { planId: plan.id, proposal });
    },
    { focus: "#p-title" },
  );
}
