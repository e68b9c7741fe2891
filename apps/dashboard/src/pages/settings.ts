import type { CheckoutMode, Member, MemberInvitation, Organization } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, field, isTimeZone, ListController, setOrgTimeZone, styles } from "../ui.js";

/** The zones the browser knows, offered as suggestions (any IANA name it accepts is fine). */
const ZONES = ["UTC", ...(Intl.supportedValuesOf?.("timeZone") ?? []).filter((z) => z !== "UTC")];

/** How buyers may pay with Stripe (the organization's `checkoutMode`); "" is the deployment's default. */
const CHECKOUT_MODES: [CheckoutMode | "", string][] = [
  ["", "This deployment's default"],
  ["payment_element", "Stripe's Payment Element, in the ticket widget"],
  ["checkout_embedded", "Stripe Checkout, embedded in the ticket widget"],
  ["checkout_redirect", "Stripe Checkout's own page, then back to your page"],
];

/** Settings: the organization's name and time zone, how its buyers pay, and its members with their roles. */
export class SettingsPage extends LitElement {
  static override styles = styles;
  readonly #members = new ListController<Member>(this, () => gk.organization.members.list({ limit: 50 }));
  readonly #invitations = new ListController<MemberInvitation>(this, () => gk.organization.invitations.list({ limit: 50 }));
  readonly #form = new FormState(this);
  readonly #inviteForm = new FormState(this);
  readonly #payForm = new FormState(this);
  #paySaved = false;
  #memberError = "";
  #invited = "";
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
            : html`<form novalidate aria-label="Organization" @submit=${this.#save} @input=${this.#checkZone} @focusout=${this.#checkZone}>
              ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
              ${field({ label: "Name", name: "name", value: this.#org.name, required: true, error: f.errors.name })}
              ${field({
                label: "Time zone",
                name: "timeZone",
                value: this.#org.timeZone,
                required: true,
                error: f.errors.timeZone,
                list: "zones",
                hint: "IANA name, e.g. Europe/Lisbon. Dates and times in the dashboard, and days in reports, are in it (an event or a place uses its own).",
              })}
              <datalist id="zones">${ZONES.map((z) => html`<option value=${z}></option>`)}</datalist>
              <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save"}</button>
              ${this.#saved ? html`<p role="status">Saved.</p>` : nothing}
            </form>`
      }
      <h2>Payments</h2>
      ${this.#org ? this.#renderPayments(this.#org) : nothing}
      <h2>Members</h2>
      ${this.#memberError ? html`<p class="error" role="alert">${this.#memberError}</p>` : nothing}
      ${this.#members.render({
        what: "members",
        empty: "No members.",
        rows: (members) => html`<table>
          <caption class="muted" style="text-align:left">Members and their roles</caption>
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th class="optional">Since</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${members.map(
              (m) => html`<tr>
                <td>${m.name}</td>
                <td>${m.email}</td>
                <td>
                  <select aria-label="Role of ${m.name}" @change=${(e: Event) => this.#setRole(m, (e.target as HTMLSelectElement).value as Member["role"])}>
                    ${(["owner", "admin", "staff"] as const).map((r) => html`<option value=${r} ?selected=${m.role === r}>${r}</option>`)}
                  </select>
                </td>
                <td class="optional">${dateTime(m.createdAt)}</td>
                <td><button class="danger" @click=${() => this.#remove(m)} aria-label="Remove ${m.name}">Remove</button></td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}
      <h2>Invite someone</h2>
      <form novalidate aria-label="Invite a member" @submit=${this.#invite} @input=${this.#inviteForm.check} @focusout=${this.#inviteForm.check}>
        ${this.#inviteForm.error ? html`<p class="error" role="alert">${this.#inviteForm.error}</p>` : nothing}
        ${field({ label: "Email", name: "email", type: "email", required: true, error: this.#inviteForm.errors.email })}
        <label for="f-role">Role
          <select id="f-role" name="role">
            <option value="staff">staff — runs plans, events and places</option>
            <option value="admin">admin — also keys and members</option>
          </select>
        </label>
        <button type="submit" ?disabled=${this.#inviteForm.busy}>${this.#inviteForm.busy ? "Sending…" : "Send invitation"}</button>
        ${this.#invited ? html`<p role="status">Invitation sent to ${this.#invited}.</p>` : nothing}
      </form>
      <h2>Pending invitations</h2>
      ${this.#invitations.render({
        what: "invitations",
        empty: "No pending invitations.",
        rows: (invitations) => html`<ul>
          ${invitations.map(
            (i) => html`<li class="row">
              <span>${i.email} as ${i.role}, until ${dateTime(i.expiresAt)}</span>
              <button class="danger" @click=${() => this.#revoke(i)} aria-label="Revoke the invitation of ${i.email}">Revoke</button>
            </li>`,
          )}
        </ul>`,
      })}`;
  }

  #renderPayments(org: Organization) {
    const f = this.#payForm;
    return html`<form novalidate aria-label="Payments" @submit=${this.#savePayments}>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
      <label for="f-checkoutMode">How buyers pay with Stripe
        <select id="f-checkoutMode" name="checkoutMode" aria-describedby="checkout-mode-hint" @change=${() => {
          this.#paySaved = false;
          this.requestUpdate();
        }}>
          ${CHECKOUT_MODES.map(([value, label]) => html`<option value=${value} ?selected=${(org.checkoutMode ?? "") === value}>${label}</option>`)}
        </select>
      </label>
      <p id="checkout-mode-hint" class="muted">
        Applies to checkouts started from now on, when this deployment takes payments with Stripe (the local test provider
        always shows its own page). Your page's address must be one of your publishable key's origins for Stripe Checkout to
        bring buyers back to it.
      </p>
      ${f.errors.checkoutMode ? html`<p class="error" id="checkout-mode-error">${f.errors.checkoutMode}</p>` : nothing}
      <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Save"}</button>
      ${this.#paySaved ? html`<p role="status">Saved.</p>` : nothing}
    </form>`;
  }

  #savePayments = async (e: SubmitEvent) => {
    this.#paySaved = false;
    this.#paySaved = await this.#payForm.submit(e, async (v) => {
      const mode = CHECKOUT_MODES.find(([value]) => value === v.checkoutMode)?.[0] ?? "";
      this.#org = await gk.organization.update({ checkoutMode: mode === "" ? null : mode });
    });
    this.requestUpdate();
  };

  async #memberAction(action: () => Promise<unknown>) {
    this.#memberError = "";
    try {
      await action();
    } catch (err) {
      this.#memberError = describe(err);
    }
    await this.#members.reload();
  }

  #setRole(m: Member, role: Member["role"]) {
    if (role === m.role) return;
    void this.#memberAction(() => gk.organization.members.update(m.id, { role }));
  }

  #remove(m: Member) {
    if (!confirm(`Remove ${m.name} (${m.email}) from the organization? Their keys stop working.`)) return;
    void this.#memberAction(() => gk.organization.members.del(m.id));
  }

  async #revoke(i: MemberInvitation) {
    if (!confirm(`Revoke the invitation of ${i.email}? Its link stops working.`)) return;
    try {
      await gk.organization.invitations.del(i.id);
    } catch (err) {
      this.#memberError = describe(err);
    }
    await this.#invitations.reload();
  }

  #invite = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    this.#invited = "";
    let to = "";
    const ok = await this.#inviteForm.submit(e, async (v) => {
      to = v.email ?? "";
      await gk.organization.members.create({ email: to, role: v.role === "admin" ? "admin" : "staff" });
    });
    if (ok) {
      this.#invited = to;
      form.reset();
      await this.#invitations.reload();
    }
  };

  /** The time zone is checked as it is typed (the browser knows the same zones as the API), then the usual checks. */
  #checkZone = (e: Event) => {
    const input = e.target;
    if (input instanceof HTMLInputElement && input.name === "timeZone") {
      input.setCustomValidity(!input.value || isTimeZone(input.value) ? "" : "Not a time zone: use an IANA name such as Europe/Lisbon.");
    }
    this.#form.check(e);
  };

  #save = async (e: SubmitEvent) => {
    this.#saved = false;
    this.#saved = await this.#form.submit(e, async (v) => {
      this.#org = await gk.organization.update({ name: v.name ?? "", timeZone: v.timeZone ?? "" });
      // Times follow the new zone at once (this page re-renders below); the shell reloads the session too.
      setOrgTimeZone(this.#org.timeZone);
      this.dispatchEvent(new CustomEvent("session-changed", { bubbles: true, composed: true }));
    });
    this.requestUpdate();
  };
}

customElements.define("gk-dash-settings", SettingsPage);
