import { html, LitElement, nothing } from "lit";
import { gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE } from "../router.js";
import { field, styles } from "../ui.js";

/** Forgotten password: the email to send a reset link to. The answer is the same for any email. */
export class ForgotPasswordPage extends LitElement {
  static override styles = styles;
  readonly #form = new FormState(this);
  #sent = "";

  override render() {
    const f = this.#form;
    return html`<h1>Forgotten password</h1>
      ${
        this.#sent
          ? html`<p class="notice" role="status">${this.#sent}</p>`
          : html`<p>Give the email you sign in with: we send it a link to choose a new password.</p>
            <form novalidate aria-label="Send a reset link" @submit=${this.#submit} @input=${f.check} @focusout=${f.check}>
              ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
              ${field({ label: "Email", name: "email", type: "email", required: true, autocomplete: "username", error: f.errors.email })}
              <button type="submit" ?disabled=${f.busy}>${f.busy ? "Sending…" : "Send the link"}</button>
            </form>`
      }
      <p><a href="${BASE}/sign-in">Back to sign-in</a></p>`;
  }

  #submit = async (e: SubmitEvent) => {
    await this.#form.submit(e, async (v) => {
      this.#sent = (await gk.auth.requestPasswordReset({ email: v.email ?? "" })).message;
    });
  };
}

/**
 * The page the emailed link opens (`/dashboard/reset-password#token=…`): the token is in the
 * fragment, which no server sees; the page takes it and removes it from the address bar.
 */
export class ResetPasswordPage extends LitElement {
  static override styles = styles;
  readonly #form = new FormState(this);
  #token = "";
  #done = false;

  override connectedCallback(): void {
    super.connectedCallback();
    const token = new URLSearchParams(location.hash.slice(1)).get("token");
    if (token) {
      this.#token = token;
      history.replaceState(history.state, "", location.pathname);
    }
  }

  override render() {
    const f = this.#form;
    if (this.#done) {
      return html`<h1>Password changed</h1>
        <p class="notice" role="status">Your new password is set, and every session of your account was signed out.</p>
        <p><a href="${BASE}/sign-in">Sign in with it</a></p>`;
    }
    if (!this.#token) {
      return html`<h1>Choose a new password</h1>
        <p class="error" role="alert">This page needs the link from the email. <a href="${BASE}/forgot-password">Ask for a new link</a>.</p>`;
    }
    return html`<h1>Choose a new password</h1>
      <form novalidate aria-label="New password" @submit=${this.#submit} @input=${this.#check} @focusout=${this.#check}>
        ${
          f.error
            ? html`<p class="error" role="alert">${f.error} ${/link/.test(f.error) ? html`<a href="${BASE}/forgot-password">Ask for a new link</a>.` : nothing}</p>`
            : nothing
        }
        ${field({
          label: "New password",
          name: "password",
          type: "password",
          required: true,
          minlength: 10,
          autocomplete: "new-password",
          hint: "At least 10 characters.",
          error: f.errors.password,
        })}
        ${field({ label: "The same again", name: "confirm", type: "password", required: true, autocomplete: "new-password", error: f.errors.confirm })}
        <button type="submit" ?disabled=${f.busy}>${f.busy ? "Saving…" : "Set the new password"}</button>
      </form>`;
  }

  /** The browser's checks, plus: both passwords the same. */
  #check = (e: Event) => {
    const form = (e.target as HTMLElement).closest("form");
    const confirm = form?.querySelector<HTMLInputElement>("[name=confirm]");
    const password = form?.querySelector<HTMLInputElement>("[name=password]");
    confirm?.setCustomValidity(confirm.value && password && confirm.value !== password.value ? "The two passwords differ." : "");
    this.#form.check(e);
    if (e.target === password && confirm?.value) this.#form.check({ type: "focusout", target: confirm } as unknown as Event);
  };

  #submit = async (e: SubmitEvent) => {
    this.#done = await this.#form.submit(e, async (v) => {
      await gk.auth.confirmPasswordReset({ token: this.#token, password: v.password ?? "" });
    });
    if (this.#done) this.dispatchEvent(new CustomEvent("session-changed", { bubbles: true, composed: true }));
    this.requestUpdate();
  };
}

customElements.define("gk-dash-forgot-password", ForgotPasswordPage);
customElements.define("gk-dash-reset-password", ResetPasswordPage);
