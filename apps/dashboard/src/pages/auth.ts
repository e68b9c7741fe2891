import { html, LitElement, nothing } from "lit";
import { gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE, navigate } from "../router.js";
import { field, styles } from "../ui.js";

/** Sign-in: email and password; afterwards back to the page that asked for it. */
export class SignInPage extends LitElement {
  static override styles = styles;
  static override properties = { next: {}, sso: { state: true } };
  declare next: string;
  /** The deployment's single sign-on provider, when it has one: a button beside the form. */
  declare sso: { name: string; startUrl: string } | null;
  readonly #form = new FormState(this);

  constructor() {
    super();
    this.next = `${BASE}/`;
    this.sso = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    gk.auth.sso().then(
      (c) => {
        this.sso = c.enabled && c.startUrl ? { name: c.name ?? "single sign-on", startUrl: c.startUrl } : null;
      },
      () => {},
    );
  }

  override render() {
    const f = this.#form;
    return html`<h1>Sign in to Gatherkit</h1>
      <form novalidate @submit=${this.#submit} @input=${f.check} @focusout=${f.check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Email", name: "email", type: "email", required: true, autocomplete: "username", error: f.errors.email })}
        ${field({ label: "Password", name: "password", type: "password", required: true, autocomplete: "current-password", error: f.errors.password })}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <p><a href="${BASE}/forgot-password">Forgot your password?</a></p>
      ${
        this.sso
          ? html`<p><a class="button" id="sso" href="${this.sso.startUrl}?returnTo=${encodeURIComponent(this.next)}">Sign in with ${this.sso.name}</a></p>`
          : nothing
      }
      <p>New to Gatherkit? <a href="${BASE}/sign-up">Create an organization</a></p>`;
  }

  #submit = async (e: SubmitEvent) => {
    const ok = await this.#form.submit(e, async (v) => {
      await gk.auth.signIn({ email: v.email ?? "", password: v.password ?? "" });
    });
    if (ok) {
      this.dispatchEvent(new CustomEvent("session-changed", { bubbles: true, composed: true }));
      navigate(this.next, true);
    }
  };
}

/** Sign-up: a new organizer and their organization. */
export class SignUpPage extends LitElement {
  static override styles = styles;
  readonly #form = new FormState(this);

  override render() {
    const f = this.#form;
    return html`<h1>Create your organization</h1>
      <form novalidate @submit=${this.#submit} @input=${f.check} @focusout=${f.check}>
        ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
        ${field({ label: "Your name", name: "name", required: true, autocomplete: "name", error: f.errors.name })}
        ${field({ label: "Organization", name: "organizationName", required: true, autocomplete: "organization", error: f.errors.organizationName })}
        ${field({ label: "Email", name: "email", type: "email", required: true, autocomplete: "email", error: f.errors.email })}
        ${field({
          label: "Password",
          name: "password",
          type: "password",
          required: true,
          minlength: 10,
          autocomplete: "new-password",
          hint: "At least 10 characters.",
          error: f.errors.password,
        })}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Creating…" : "Create organization"}</button>
      </form>
      <p>Already have an account? <a href="${BASE}/sign-in">Sign in</a></p>`;
  }

  #submit = async (e: SubmitEvent) => {
    const ok = await this.#form.submit(e, async (v) => {
      await gk.auth.signUp({
        name: v.name ?? "",
        organizationName: v.organizationName ?? "",
        email: v.email ?? "",
        password: v.password ?? "",
      });
    });
    if (ok) {
      this.dispatchEvent(new CustomEvent("session-changed", { bubbles: true, composed: true }));
      navigate(`${BASE}/`, true);
    }
  };
}

customElements.define("gk-dash-sign-in", SignInPage);
customElements.define("gk-dash-sign-up", SignUpPage);
