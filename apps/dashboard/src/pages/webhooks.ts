import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { FormState } from "../form.js";
import { BASE, navigate } from "../router.js";
import { dateTime, field, ListController, styles } from "../ui.js";

const pageStyles = [
  styles,
  css`
    fieldset { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 0.75rem; display: grid; gap: 0.25rem; }
    legend { font-weight: 600; padding: 0 0.25rem; }
    fieldset label { font-weight: 400; }
    .types { max-height: 14rem; overflow-y: auto; display: grid; gap: 0.25rem; }
    .status-failed, .status-disabled { color: #a40e26; font-weight: 600; }
    .status-succeeded, .status-enabled { color: #116329; font-weight: 600; }
    td.url, dd { overflow-wrap: anywhere; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
    dt { font-weight: 600; }
    dd { margin: 0; }
    details summary { cursor: pointer; color: #0550ae; }
    .filters { display: flex; flex-wrap: wrap; gap: 0.75rem; max-width: none; align-items: end; }
  `,
];

/** The catalogue of event types: this API's OpenAPI document's `webhooks` (the one place they are listed), fetched once. */
let catalogue: Promise<string[]> | undefined;
function eventTypes(): Promise<string[]> {
  catalogue ??= fetch("/v1/openapi.json")
    .then((r) => (r.ok ? (r.json() as Promise<{ webhooks?: Record<string, unknown> }>) : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((doc) => Object.keys(doc.webhooks ?? {}).sort())
    .catch((err) => {
      catalogue = undefined;
      throw err;
    });
  return catalogue;
}

/** The signing secret of a new or rotated endpoint, shown this once, with a copy button. */
function secretNotice(host: { copied: boolean; copy(): void; dismiss(): void }, created: CreatedWebhookEndpoint, what: string) {
  return html`<div class="notice" role="status">
    <p>${what} Copy the signing secret now: it is shown only once. Verify each delivery's <code>Gatherkit-Signature</code> with it.</p>
    <pre data-testid="new-secret">${created.secret}</pre>
    <div class="row">
      <button class="secondary" @click=${() => host.copy()}>Copy secret</button>
      <button class="secondary" @click=${() => host.dismiss()}>I have saved it</button>
      ${host.copied ? html`<span role="status">Copied.</span>` : nothing}
    </div>
  </div>`;
}

async function copyText(text: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return "";
  } catch {
    return "The browser did not allow copying: select the secret and copy it yourself.";
  }
}

/**
 * Developers → Webhooks: the organization's endpoints (paginated), a form to add one (its URL
 * checked as typed and by the API, the event types from the catalogue), its signing secret shown
 * once, and per endpoint a test event, disable/enable and delete (confirmed).
 */
export class WebhooksPage extends LitElement {
  static override styles = pageStyles;
  readonly #list = new ListController<WebhookEndpoint>(this, () => gk.webhookEndpoints.list({ limit: 20 }));
  readonly #form = new FormState(this);
  #types: string[] | undefined;
  #typesError = "";
  #created: CreatedWebhookEndpoint | undefined;
  #copied = false;
  #notice = "";
  #actionError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#loadTypes();
  }

  async #loadTypes() {
    this.#typesError = "";
    this.requestUpdate();
    try {
      this.#types = await eventTypes();
    } catch (err) {
      this.#typesError = describe(err);
    }
    this.requestUpdate();
  }

  override render() {
    return html`<h1>Webhooks</h1>
      <p class="muted">Gatherkit POSTs signed events to your endpoints as things happen, retrying failed deliveries with backoff for up to three days.</p>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#notice ? html`<p class="notice" role="status">${this.#notice}</p>` : nothing}
      ${
        this.#created
          ? secretNotice(
              {
                copied: this.#copied,
                copy: () => void this.#copy(),
                dismiss: () => {
                  this.#created = undefined;
                  this.requestUpdate();
                },
              },
              this.#created,
              `Endpoint ${this.#created.url} created.`,
            )
          : nothing
      }
      <h2>Add an endpoint</h2>
      ${this.#createForm()}
      <h2>Endpoints</h2>
      ${this.#list.render({
        what: "webhook endpoints",
        empty: "No webhook endpoints yet. Add one above to receive events.",
        rows: (items) => html`<div class="table-wrap"><table>
          <caption class="sr-only">Webhook endpoints of this organization</caption>
          <thead><tr><th>URL</th><th class="optional">Events</th><th>Status</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${items.map(
              (e) => html`<tr>
                <td class="url"><a href="${BASE}/developers/webhooks/${e.id}">${e.url}</a>${e.description ? html`<br /><span class="muted">${e.description}</span>` : nothing}</td>
                <td class="optional">${e.eventTypes.map((t) => html`<code>${t}</code> `)}</td>
                <td class="status-${e.status}">${e.status}${e.consecutiveFailures ? html`<br /><span class="muted">${e.consecutiveFailures} failed in a row</span>` : nothing}</td>
                <td><div class="row">
                  ${e.status === "enabled" ? html`<button class="secondary" @click=${() => this.#test(e)} aria-label="Send test to ${e.url}">Send test</button>` : nothing}
                  <button class="danger" @click=${() => this.#delete(e)} aria-label="Delete ${e.url}">Delete</button>
                </div></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}`;
  }

  #createForm() {
    const f = this.#form;
    const typesError = f.errors.eventTypes ?? Object.entries(f.errors).find(([k]) => k.startsWith("eventTypes"))?.[1];
    return html`<form novalidate aria-label="New webhook endpoint" @submit=${this.#create} @input=${f.check} @focusout=${f.check}>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
      ${field({ label: "Endpoint URL", name: "url", type: "url", required: true, error: f.errors.url, hint: "HTTPS, reachable from the internet, e.g. https://example.com/gatherkit/webhook" })}
      ${field({ label: "Description (optional)", name: "description", error: f.errors.description })}
      <fieldset aria-describedby=${typesError ? "types-error" : nothing}>
        <legend>Events to send</legend>
        <label class="inline"><input type="checkbox" name="eventTypes" value="*" /> All event types, including future ones</label>
        ${
          this.#types
            ? html`<div class="types">${this.#types.map((t) => html`<label class="inline"><input type="checkbox" name="eventTypes" value=${t} /> <code>${t}</code></label>`)}</div>`
            : this.#typesError
              ? html`<p class="error" role="alert">Could not load the event types: ${this.#typesError} <button type="button" class="secondary" @click=${() => this.#loadTypes()}>Retry</button></p>`
              : html`<p role="status">Loading event types…</p>`
        }
        ${typesError ? html`<span class="field-error" id="types-error">${typesError}</span>` : nothing}
      </fieldset>
      <button type="submit" ?disabled=${f.busy}>${f.busy ? "Adding…" : "Add endpoint"}</button>
    </form>`;
  }

  #create = async (e: SubmitEvent) => {
    const form = e.target as HTMLFormElement;
    const types = new FormData(form).getAll("eventTypes").map(String);
    if (types.length === 0) {
      e.preventDefault();
      this.#form.errors = { ...this.#form.errors, eventTypes: "Choose at least one event type." };
      this.requestUpdate();
      form.querySelector<HTMLInputElement>("input[name=eventTypes]")?.focus();
      return;
    }
    const ok = await this.#form.submit(e, async (v) => {
      this.#created = await gk.webhookEndpoints.create({
        url: v.url ?? "",
        eventTypes: types.includes("*") ? ["*"] : types,
        ...(v.description ? { description: v.description } : {}),
      });
      this.#copied = false;
    });
    if (ok) {
      form.reset();
      await this.#list.reload();
    }
  };

  async #copy() {
    this.#actionError = await copyText(this.#created?.secret ?? "");
    this.#copied = !this.#actionError;
    this.requestUpdate();
  }

  async #test(e: WebhookEndpoint) {
    await this.#act(async () => {
      await gk.webhookEndpoints.sendTest(e.id);
      this.#notice = `A test event is on its way to ${e.url}: see its delivery log.`;
    });
  }

  async #delete(e: WebhookEndpoint) {
    if (!confirm(`Delete the webhook endpoint ${e.url}? It receives no more events, not even those being retried.`)) return;
    await this.#act(async () => {
      await gk.webhookEndpoints.del(e.id);
      await this.#list.reload();
    });
  }

  async #act(action: () => Promise<void>) {
    this.#actionError = "";
    this.#notice = "";
    try {
      await action();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }
}

/**
 * One webhook endpoint: its settings, a test event, rotating the secret (the new one shown once),
 * disable/enable, delete, and its delivery log (status, response code, attempt, next retry, the
 * payload sent and the answer), filtered by outcome, each delivery resendable.
 */
export class WebhookPage extends LitElement {
  static override styles = pageStyles;
  static override properties = { endpointId: { attribute: "endpoint-id" } };
  declare endpointId: string;
  #endpoint: WebhookEndpoint | undefined;
  #loadError = "";
  #status: WebhookDeliveryStatus | "" = "";
  readonly #log = new ListController<WebhookDelivery>(this, () =>
    gk.webhookEndpoints.listDeliveries(this.endpointId, { limit: 20, ...(this.#status ? { status: this.#status } : {}) }),
  );
  #rotated: CreatedWebhookEndpoint | undefined;
  #copied = false;
  #notice = "";
  #actionError = "";
  #busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.#loadError = "";
    try {
      this.#endpoint = await gk.webhookEndpoints.retrieve(this.endpointId);
    } catch (err) {
      this.#loadError = describe(err);
    }
    this.requestUpdate();
  }

  override render() {
    const e = this.#endpoint;
    if (this.#loadError)
      return html`<h1>Webhook endpoint</h1>
        <div class="error" role="alert">Could not load the endpoint: ${this.#loadError} <button class="secondary" @click=${() => this.#load()}>Retry</button></div>
        <p><a href="${BASE}/developers/webhooks">All endpoints</a></p>`;
    if (!e) return html`<h1>Webhook endpoint</h1><p role="status">Loading the endpoint…</p>`;
    return html`<p><a href="${BASE}/developers/webhooks">All endpoints</a></p>
      <h1>Webhook endpoint</h1>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#notice ? html`<p class="notice" role="status">${this.#notice}</p>` : nothing}
      ${
        this.#rotated
          ? secretNotice(
              {
                copied: this.#copied,
                copy: () => void this.#copy(),
                dismiss: () => {
                  this.#rotated = undefined;
                  this.requestUpdate();
                },
              },
              this.#rotated,
              "The secret was rotated; the previous one still signs deliveries for a day.",
            )
          : nothing
      }
      <dl>
        <dt>URL</dt><dd><code>${e.url}</code></dd>
        ${e.description ? html`<dt>Description</dt><dd>${e.description}</dd>` : nothing}
        <dt>Events</dt><dd>${e.eventTypes.map((t) => html`<code>${t}</code> `)}</dd>
        <dt>Status</dt><dd><span class="status-${e.status}" data-testid="endpoint-status">${e.status}</span>${e.disabledReason ? html` — ${e.disabledReason}` : nothing}</dd>
        <dt>Secret</dt><dd><code>${e.secretPrefix}…</code>${e.previousSecretExpiresAt ? html` <span class="muted">(the previous one signs too until ${dateTime(e.previousSecretExpiresAt)})</span>` : nothing}</dd>
      </dl>
      <div class="row">
        ${e.status === "enabled" ? html`<button id="send-test" class="secondary" ?disabled=${this.#busy} @click=${() => this.#test()}>Send test event</button>` : nothing}
        <button id="rotate" class="secondary" ?disabled=${this.#busy} @click=${() => this.#rotate()}>Rotate secret</button>
        ${
          e.status === "enabled"
            ? html`<button class="danger" ?disabled=${this.#busy} @click=${() => this.#setStatus("disabled")}>Disable</button>`
            : html`<button class="secondary" ?disabled=${this.#busy} @click=${() => this.#setStatus("enabled")}>Enable</button>`
        }
        <button id="delete" class="danger" ?disabled=${this.#busy} @click=${() => this.#delete()}>Delete</button>
      </div>
      <h2 id="log-title">Delivery log</h2>
      <p class="muted">Every attempt of the last 30 days, newest first. A failed event is retried with backoff; resend one to try it now.</p>
      <form class="filters" aria-label="Filter the delivery log" @submit=${(ev: Event) => ev.preventDefault()}>
        <label for="f-status">Status
          <select id="f-status" name="status" @change=${this.#filter}>
            <option value="">Any</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <button id="refresh" type="button" class="secondary" @click=${() => this.#log.reload()}>Refresh</button>
      </form>
      ${this.#log.render({
        what: "deliveries",
        empty: this.#status ? "No deliveries with this status." : "No deliveries yet. Send a test event to see one here.",
        rows: (items) => html`<div class="table-wrap"><table aria-labelledby="log-title">
          <thead><tr><th>When</th><th>Event</th><th>Status</th><th>Response</th><th class="optional">Attempt</th><th class="optional">Next retry</th><th><span class="muted">Actions</span></th></tr></thead>
          <tbody>
            ${items.map(
              (d) => html`<tr data-delivery=${d.id}>
                <td>${dateTime(d.createdAt)}</td>
                <td><code>${d.eventType}</code>
                  <details>
                    <summary>Payload<span class="sr-only"> of ${d.eventType} at ${dateTime(d.createdAt)}</span></summary>
                    <pre>${pretty(d.request.body)}</pre>
                    ${d.responseBody ? html`<p>Answer (first bytes):</p><pre>${d.responseBody}</pre>` : nothing}
                  </details>
                </td>
                <td class="status-${d.status}">${d.status}</td>
                <td><span class="response">${d.responseStatus ?? html`<span class="muted">${d.error ?? "—"}</span>`}</span><br /><span class="muted">${d.durationMs} ms</span></td>
                <td class="optional">${d.attempt}</td>
                <td class="optional">${d.nextRetryAt ? dateTime(d.nextRetryAt) : "—"}</td>
                <td><button class="secondary" ?disabled=${this.#busy || e.status !== "enabled"} @click=${() => this.#resend(d)} aria-label="Resend ${d.eventType} of ${dateTime(d.createdAt)}">Resend</button></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}`;
  }

  #filter = (ev: Event) => {
    this.#status = (ev.currentTarget as HTMLSelectElement).value as WebhookDeliveryStatus | "";
    void this.#log.reload();
  };

  async #copy() {
    this.#actionError = await copyText(this.#rotated?.secret ?? "");
    this.#copied = !this.#actionError;
    this.requestUpdate();
  }

  #test() {
    return this.#act(async () => {
      await gk.webhookEndpoints.sendTest(this.endpointId);
      this.#notice = "A test event is queued: refresh the log to see its delivery.";
    });
  }

  #rotate() {
    if (!confirm("Rotate the signing secret? The new one is shown once; the old one keeps signing for a day.")) return;
    return this.#act(async () => {
      this.#rotated = await gk.webhookEndpoints.rotateSecret(this.endpointId);
      this.#copied = false;
      this.#endpoint = this.#rotated;
    });
  }

  #setStatus(status: "enabled" | "disabled") {
    if (status === "disabled" && !confirm("Disable this endpoint? It receives nothing until you enable it again.")) return;
    return this.#act(async () => {
      this.#endpoint = await gk.webhookEndpoints.update(this.endpointId, { status });
      this.#notice = status === "enabled" ? "Enabled: new events are sent again." : "Disabled: no events are sent.";
    });
  }

  async #delete() {
    if (!confirm("Delete this webhook endpoint? It receives no more events, not even those being retried.")) return;
    await this.#act(async () => {
      await gk.webhookEndpoints.del(this.endpointId);
      navigate(`${BASE}/developers/webhooks`);
    });
  }

  #resend(d: WebhookDelivery) {
    return this.#act(async () => {
      await gk.webhookEndpoints.resend(this.endpointId, d.id);
      this.#notice = `The ${d.eventType} event is being sent again: refresh the log to see it.`;
    });
  }

  async #act(action: () => Promise<void>) {
    this.#actionError = "";
    this.#notice = "";
    this.#busy = true;
    this.requestUpdate();
    try {
      await action();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.#busy = false;
    this.requestUpdate();
  }
}

/** A JSON body indented for reading (as sent when it is not JSON). */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

customElements.define("gk-dash-webhooks", WebhooksPage);
customElements.define("gk-dash-webhook", WebhookPage);
