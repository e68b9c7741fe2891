import type { Invite } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, field, ListController, styles } from "../ui.js";

/** A `datetime-local` value (the browser's time) as an ISO instant; undefined when empty. */
const isoFrom = (local: string | undefined) => (local ? new Date(local).toISOString() : undefined);

/** The link an invite shares: the API's invite preview, on the dashboard's (the API's) origin. */
export const inviteLink = (code: string): string => `${location.origin}/v1/invites/${code}`;

/**
 * A plan's invite links: each with its uses and status, its link copied in one click, revoked
 * after a confirmation; and a form for a new one (a shareable link, optionally expiring or
 * limited, or a personal single-use invite emailed to one address).
 */
export class PlanInvites extends LitElement {
  static override styles = styles;
  static override properties = { planId: { attribute: "plan-id" }, open: { type: Boolean } };
  declare planId: string;
  /** Whether the plan still takes people (planning or finalized): otherwise no new invites. */
  declare open: boolean;
  readonly #invites = new ListController<Invite>(this, () => gk.plans.invites.list(this.planId, { limit: 20 }));
  readonly #form = new FormState(this);
  #notice = "";
  #actionError = "";

  override render() {
    const f = this.#form;
    return html`<h2 id="invites">Invites</h2>
      <div role="status">${this.#notice ? html`<p class="notice">${this.#notice}</p>` : nothing}</div>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#invites.render({
        what: "invites",
        empty: "No invites yet. Create a link below and share it.",
        rows: (invites) => html`<div class="table-wrap"><table>
          <caption class="muted" style="text-align:left">Invite links of this plan</caption>
          <thead><tr><th>Invite</th><th>Uses</th><th class="optional">Expires</th><th>Status</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${invites.map(
              (i) => html`<tr data-invite=${i.id}>
                <td>${i.email ? html`For ${i.email}<br />` : nothing}<code>${i.code}</code></td>
                <td>${i.uses}${i.maxUses === null ? "" : ` of ${i.maxUses}`}</td>
                <td class="optional">${i.expiresAt ? dateTime(i.expiresAt) : "never"}</td>
                <td data-testid="status">${i.status}</td>
                <td><div class="row">
                  ${
                    i.status === "active"
                      ? html`<button class="secondary" aria-label="Copy link of invite ${i.code}" @click=${() => this.#copy(i)}>Copy link</button>
                        <button class="danger" aria-label="Revoke invite ${i.code}" @click=${() => this.#revoke(i)}>Revoke</button>`
                      : nothing
                  }
                </div></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      ${
        this.open
          ? html`<h3>New invite</h3>
            <form novalidate aria-label="New invite" @submit=${this.#create} @input=${f.check} @focusout=${f.check}>
              ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
              ${field({ label: "Email (optional)", name: "email", type: "email", error: f.errors.email, autocomplete: "off", hint: "A personal, single-use invite sent to this address; leave empty for a shareable link." })}
              ${field({ label: "Most uses (optional)", name: "maxUses", type: "number", min: "1", step: "1", error: f.errors.maxUses, hint: "Empty: no limit." })}
              ${field({ label: "Expires (optional)", name: "expiresAt", type: "datetime-local", error: f.errors.expiresAt, hint: "In your browser's time." })}
              <button type="submit" ?disabled=${f.busy}>${f.busy ? "Creating…" : "Create invite"}</button>
            </form>`
          : html`<p class="muted" id="closed">The plan is closed: no new invites.</p>`
      }`;
  }

  #create = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    let made: Invite | undefined;
    const ok = await this.#form.submit(e, async (v) => {
      const expiresAt = isoFrom(v.expiresAt);
      made = await gk.plans.invites.create(this.planId, {
        ...(v.email ? { email: v.email } : {}),
        ...(v.maxUses ? { maxUses: Number(v.maxUses) } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      });
    });
    if (ok && made) {
      this.#notice = made.email ? `Invite sent to ${made.email}.` : `Invite ${made.code} created: copy its link to share it.`;
      this.#actionError = "";
      form.reset();
      await this.#invites.reload();
    }
  };

  async #copy(i: Invite) {
    this.#actionError = "";
    try {
      await navigator.clipboard.writeText(inviteLink(i.code));
      this.#notice = `Link of invite ${i.code} copied.`;
    } catch {
      this.#notice = "";
      this.#actionError = `The browser did not allow copying: the link is ${inviteLink(i.code)}`;
    }
    this.requestUpdate();
  }

  async #revoke(i: Invite) {
    if (!confirm(`Revoke invite ${i.code}? The link stops working; people who joined with it stay.`)) return;
    this.#actionError = "";
    this.#notice = "";
    try {
      await gk.plans.invites.revoke(this.planId, i.id);
      this.#notice = `Invite ${i.code} revoked.`;
      await this.#invites.reload();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-plan-invites", PlanInvites);
