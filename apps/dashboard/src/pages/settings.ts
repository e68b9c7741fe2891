import type { Member, Organization } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, field, ListController, styles } from "../ui.js";

/** Settings: the organization's name and its members with their roles. */
export class SettingsPage extends LitElement {
  static override styles = styles;
  readonly #members = new ListController<Member>(this, () => gk.organization.members.list({ limit: 50 }));
  readonly #form = new FormState(this);
  #org: Organization | undefined;
  #loadError = "";
  #saved = false;

  override connectedCallback(): void {
    super.connectedCallback();
    gk.organization
      .retrieve()
      .then((org) => {
        this.#org = org;
      })
      .catch((err) => {
        this.#loadError = describe(err);
      })
      .finally(() => this.requestUpdate());
  }

  override render() {
    const f = this.#form;
    return html`<h1>Settings</h1>
      <h2>Organization</h2>
      ${
        this.#loadError
          ? html`<p class="error" role="alert">Could not load the organization: ${this.#loadError}</p>`
          : !this.#org
            ? html`<p role="status">Loading the organization…</p>`
            : html`<form novalidate aria-label="Organization" @submit=${this.#save} @input=${f.check} @focusout=${f.check}>
              ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
              ${field({ label: "Name", name: "name", value: this.#org.name, required: true, error: f.errors.name })}
              <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save"}</button>
              ${this.#saved ? html`<p role="status">Saved.</p>` : nothing}
            </form>`
      }
      <h2>Members</h2>
      ${this.#members.render({
        what: "members",
        empty: "No members.",
        rows: (members) => html`<table>
          <caption class="muted" style="text-align:left">Members and their roles</caption>
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th class="optional">Since</th></tr></thead>
          <tbody>
            ${members.map(
              (m) =>
                html`<tr><td>${m.name}</td><td>${m.email}</td><td>${m.role}</td><td class="optional">${dateTime(m.createdAt)}</td></tr>`,
            )}
          </tbody>
        </table>`,
      })}`;
  }

  #save = async (e: SubmitEvent) => {
    this.#saved = false;
    this.#saved = await this.#form.submit(e, async (v) => {
      this.#org = await gk.organization.update({ name: v.name ?? "" });
      this.dispatchEvent(new CustomEvent("session-changed", { bubbles: true, composed: true }));
    });
    this.requestUpdate();
  };
}

customElements.define("gk-dash-settings", SettingsPage);
