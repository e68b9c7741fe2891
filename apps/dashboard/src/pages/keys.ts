import type { CreatedSecretKey, PublishableKey, SecretKey } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { dateTime, field, ListController, styles } from "../ui.js";

/**
 * Developers → API keys: secret keys (the secret shown once at creation, listed by prefix,
 * revoked after a confirmation) and publishable keys with the origins they work from, each
 * with the snippet that puts a widget on a page.
 */
export class KeysPage extends LitElement {
  static override styles = styles;
  readonly #secret = new ListController<SecretKey>(this, () => gk.secretKeys.list({ limit: 20 }));
  readonly #publishable = new ListController<PublishableKey>(this, () => gk.publishableKeys.list({ limit: 20 }));
  readonly #secretForm = new FormState(this);
  readonly #publishableForm = new FormState(this);
  #created: CreatedSecretKey | undefined;
  #actionError = "";
  #copied = "";

  override render() {
    return html`<h1>API keys</h1>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      <h2>Secret keys</h2>
      <p class="muted">For your servers only: a secret key acts as your organization.</p>
      ${
        this.#created
          ? html`<div class="notice" role="status">
            <p><strong>${this.#created.name}</strong> created. Copy the secret now: it is shown only once.</p>
            <pre data-testid="new-secret">${this.#created.secret}</pre>
            <div class="row">
              <button class="secondary" @click=${() => this.#copy(this.#created?.secret ?? "", "secret")}>Copy secret</button>
              <button class="secondary" @click=${() => this.#dismiss()}>I have saved it</button>
              ${this.#copied === "secret" ? html`<span role="status">Copied.</span>` : nothing}
            </div>
          </div>`
          : nothing
      }
      ${this.#secretCreateForm()}
      ${this.#secret.render({
        what: "secret keys",
        empty: "No secret keys yet.",
        rows: (keys) => html`<table>
          <caption class="muted" style="text-align:left">Secret keys of this organization</caption>
          <thead><tr><th>Name</th><th>Key</th><th>Role</th><th class="optional">Last used</th><th>Status</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${keys.map(
              (k) => html`<tr>
                <td>${k.name}</td>
                <td><code>${k.prefix}…</code></td>
                <td>${k.role}</td>
                <td class="optional">${dateTime(k.lastUsedAt)}</td>
                <td>${k.revokedAt ? `Revoked ${dateTime(k.revokedAt)}` : "Active"}</td>
                <td>${k.revokedAt ? nothing : html`<button class="danger" @click=${() => this.#revokeSecret(k)} aria-label="Revoke ${k.name}">Revoke</button>`}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}
      <h2>Publishable keys</h2>
      <p class="muted">Safe in web pages: they work only from the origins you list, and only for what visitors may do.</p>
      ${this.#publishableCreateForm()}
      ${this.#publishable.render({
        what: "publishable keys",
        empty: "No publishable keys yet. Create one to put a widget on your site.",
        rows: (keys) =>
          html`${keys.map(
            (k) => html`<section aria-label="Publishable key ${k.name}">
            <h3>${k.name} ${k.revokedAt ? html`<span class="muted">(revoked)</span>` : nothing}</h3>
            <p>Key: <code>${k.key}</code></p>
            <p>Allowed origins: ${k.allowedOrigins.map((o) => html`<code>${o}</code> `)}</p>
            ${
              k.revokedAt
                ? nothing
                : html`<p>Embed snippet:</p>
                  <pre data-testid="snippet">${snippet(k.key)}</pre>
                  <div class="row">
                    <button class="secondary" @click=${() => this.#copy(snippet(k.key), k.id)}>Copy snippet</button>
                    <button class="danger" @click=${() => this.#revokePublishable(k)} aria-label="Revoke ${k.name}">Revoke</button>
                    ${this.#copied === k.id ? html`<span role="status">Copied.</span>` : nothing}
                  </div>`
            }
          </section>`,
          )}`,
      })}`;
  }

  #secretCreateForm() {
    const f = this.#secretForm;
    return html`<form novalidate aria-label="New secret key" @submit=${this.#createSecret} @input=${f.check} @focusout=${f.check}>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
      ${field({ label: "New secret key name", name: "name", required: true, error: f.errors.name, hint: "Where it will be used, e.g. “Production server”." })}
      <button type="submit" ?disabled=${f.busy}>${f.busy ? "Creating…" : "Create secret key"}</button>
    </form>`;
  }

  #publishableCreateForm() {
    const f = this.#publishableForm;
    return html`<form novalidate aria-label="New publishable key" @submit=${this.#createPublishable} @input=${f.check} @focusout=${f.check}>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
      ${field({ label: "New publishable key name", name: "name", required: true, error: f.errors.name })}
      ${field({
        label: "Allowed origins",
        name: "allowedOrigins",
        required: true,
        hint: "Space- or comma-separated, e.g. https://www.example.com",
        error: f.errors.allowedOrigins ?? Object.entries(f.errors).find(([k]) => k.startsWith("allowedOrigins."))?.[1],
      })}
      <button type="submit" ?disabled=${f.busy}>${f.busy ? "Creating…" : "Create publishable key"}</button>
    </form>`;
  }

  #createSecret = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const ok = await this.#secretForm.submit(e, async (v) => {
      this.#created = await gk.secretKeys.create({ name: v.name ?? "" });
    });
    if (ok) {
      form.reset();
      await this.#secret.reload();
    }
  };

  #createPublishable = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const ok = await this.#publishableForm.submit(e, async (v) => {
      const allowedOrigins = (v.allowedOrigins ?? "").split(/[\s,]+/).filter(Boolean);
      await gk.publishableKeys.create({ name: v.name ?? "", allowedOrigins });
    });
    if (ok) {
      form.reset();
      await this.#publishable.reload();
    }
  };

  async #revokeSecret(k: SecretKey) {
    if (!confirm(`Revoke the secret key “${k.name}”? Servers using it stop working at once.`)) return;
    await this.#act(async () => {
      await gk.secretKeys.del(k.id);
      await this.#secret.reload();
    });
  }

  async #revokePublishable(k: PublishableKey) {
    if (!confirm(`Revoke the publishable key “${k.name}”? Widgets using it stop working at once.`)) return;
    await this.#act(async () => {
      await gk.publishableKeys.del(k.id);
      await this.#publishable.reload();
    });
  }

  async #act(action: () => Promise<void>) {
    this.#actionError = "";
    try {
      await action();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }

  async #copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      this.#copied = what;
    } catch {
      this.#actionError = "The browser did not allow copying: select the text and copy it yourself.";
    }
    this.requestUpdate();
  }

  #dismiss() {
    this.#created = undefined;
    this.requestUpdate();
  }
}

/** The tags a site owner pastes: the widgets module and a connection check for the key. */
export function snippet(key: string): string {
  return [
    `<script type="module" src="${location.origin}/widgets/gatherkit-widgets.js"></script>`,
    `<gk-connection-check api-base="${location.origin}" publishable-key="${key}"></gk-connection-check>`,
  ].join("\n");
}

customElements.define("gk-dash-keys", KeysPage);
