import type { LocalMessage, NotificationDelivery } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { BASE } from "../router.js";
import { dateTime, ListController, styles } from "../ui.js";

const STATUSES = ["sending", "retrying", "sent", "delivered", "bounced", "failed", "suppressed"] as const;
const CHANNELS = ["email", "sms", "push", "inbox"] as const;
type Status = (typeof STATUSES)[number];
type Channel = (typeof CHANNELS)[number];

/**
 * Notifications: the delivery log (one entry per message and channel: its status, the provider's
 * message id and why it failed or was suppressed), filtered by status and channel, and the local
 * outbox of the embedded default (what the local providers recorded instead of sending).
 */
export class NotificationsPage extends LitElement {
  static override styles = [
    styles,
    css`
      .filters { display: flex; flex-wrap: wrap; gap: 0.75rem; max-width: none; align-items: end; }
      .status-failed, .status-bounced { color: #a40e26; font-weight: 600; }
      .status-delivered { color: #116329; font-weight: 600; }
      td.error-text { max-width: 24rem; overflow-wrap: anywhere; }
      .scroll { overflow-x: auto; }
    `,
  ];
  #status: Status | "" = "";
  #channel: Channel | "" = "";
  readonly #log = new ListController<NotificationDelivery>(this, () =>
    gk.notifications.deliveries({
      limit: 25,
      ...(this.#status ? { status: this.#status } : {}),
      ...(this.#channel ? { channel: this.#channel } : {}),
    }),
  );
  readonly #outbox = new ListController<LocalMessage>(this, () => gk.notifications.outbox({ limit: 20 }));

  #filter(e: Event): void {
    const form = (e.currentTarget as HTMLSelectElement).form!;
    this.#status = (form.elements.namedItem("status") as HTMLSelectElement).value as Status | "";
    this.#channel = (form.elements.namedItem("channel") as HTMLSelectElement).value as Channel | "";
    void this.#log.reload();
  }

  override render() {
    return html`<h1>Notifications</h1>
      <h2 id="log-title">Delivery log</h2>
      <p class="muted">
        Every email, SMS, push and inbox fan-out, newest first: <strong>sent</strong> when the provider took it,
        <strong>delivered</strong> or <strong>bounced</strong> when the provider reported back, <strong>failed</strong> with
        the reason, <strong>suppressed</strong> when the person turned it off or the address bounced before.
      </p>
      <form class="filters" aria-label="Filter the delivery log" @submit=${(e: Event) => e.preventDefault()}>
        <label for="f-status">Status
          <select id="f-status" name="status" @change=${this.#filter}>
            <option value="">Any</option>
            ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
          </select>
        </label>
        <label for="f-channel">Channel
          <select id="f-channel" name="channel" @change=${this.#filter}>
            <option value="">Any</option>
            ${CHANNELS.map((c) => html`<option value=${c}>${c}</option>`)}
          </select>
        </label>
      </form>
      ${this.#log.render({
        what: "the delivery log",
        empty: this.#status || this.#channel ? "Nothing matches these filters." : "Nothing sent yet.",
        rows: (
          entries,
        ) => html`<div class="scroll" role="region" aria-labelledby="log-title" tabindex="0"><table aria-labelledby="log-title">
          <thead><tr><th>When</th><th>Channel</th><th>To</th><th class="optional">Kind</th><th>Status</th><th class="optional">Provider message id</th><th>Details</th></tr></thead>
          <tbody>
            ${entries.map(
              (d) => html`<tr data-id=${d.id}>
                <td>${dateTime(d.updatedAt)}</td>
                <td>${d.channel}</td>
                <td><code>${d.to}</code></td>
                <td class="optional">${d.kind}</td>
                <td class="status-${d.status}">${d.status}</td>
                <td class="optional">${d.providerMessageId ? html`<code>${d.provider}: ${d.providerMessageId}</code>` : html`<span class="muted">${d.provider}</span>`}</td>
                <td class="error-text">${d.error ?? (d.attempts > 1 ? `${d.attempts} attempts` : "")}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      <h2 id="outbox-title">Local outbox</h2>
      <p class="muted">
        With the local providers (the embedded default of <code>pnpm dev</code>), emails and SMS are recorded here instead
        of being sent. Open one to see it as its recipient would.
      </p>
      ${this.#outbox.render({
        what: "the local outbox",
        empty: "Nothing recorded. Where real providers send (EMAIL_PROVIDER, SMS_PROVIDER), see the delivery log above.",
        rows: (
          messages,
        ) => html`<div class="scroll" role="region" aria-labelledby="outbox-title" tabindex="0"><table aria-labelledby="outbox-title">
          <thead><tr><th>When</th><th>Channel</th><th>To</th><th>Message</th></tr></thead>
          <tbody>
            ${messages.map(
              (m) => html`<tr>
                <td>${dateTime(m.createdAt)}</td>
                <td>${m.channel}</td>
                <td><code>${m.to}</code></td>
                <td><a href="${BASE}/notifications/outbox/${m.id}">${m.subject ?? m.text.slice(0, 80)}</a></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}`;
  }
}

/**
 * One recorded message: its envelope, an email's HTML in a sandboxed frame (no scripts, no access
 * to this page; links open in a new tab), and its text with working links.
 */
export class OutboxMessagePage extends LitElement {
  static override styles = [
    styles,
    css`iframe { width: 100%; height: 28rem; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; }`,
  ];
  static override properties = { messageId: { attribute: "message-id" } };
  declare messageId: string;
  #message: LocalMessage | undefined;
  #error = "";

  override connectedCallback(): void {
    super.connectedCallback();
    gk.notifications
      .outboxMessage(this.messageId)
      .then((m) => {
        this.#message = m;
      })
      .catch((err) => {
        this.#error = describe(err);
      })
      .finally(() => this.requestUpdate());
  }

  override render() {
    const back = html`<p><a href="${BASE}/notifications">← Notifications</a></p>`;
    if (this.#error) return html`${back}<h1>Message</h1><p class="error" role="alert">Could not load the message: ${this.#error}</p>`;
    const m = this.#message;
    if (!m) return html`${back}<h1>Message</h1><p role="status">Loading the message…</p>`;
    return html`${back}
      <h1>${m.channel === "email" ? (m.subject ?? "Email") : "SMS"}</h1>
      <table>
        <tbody>
          <tr><th scope="row">From</th><td>${m.from}</td></tr>
          <tr><th scope="row">To</th><td><code>${m.to}</code></td></tr>
          <tr><th scope="row">Recorded</th><td>${dateTime(m.createdAt)}</td></tr>
          ${Object.entries(m.headers).map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${v}</code></td></tr>`)}
        </tbody>
      </table>
      ${
        m.html
          ? html`<h2>As its recipient sees it</h2>
            <iframe
              title="The email as its recipient sees it"
              sandbox="allow-popups allow-popups-to-escape-sandbox"
              srcdoc=${withNewTabLinks(m.html)}
            ></iframe>
            <h2>Text version</h2>`
          : nothing
      }
      <pre>${linkified(m.text)}</pre>`;
  }
}

/** Links in the sandboxed email open in a new tab (outside the sandbox). */
const withNewTabLinks = (doc: string) =>
  doc.includes("<head>") ? doc.replace("<head>", '<head><base target="_blank">') : `<base target="_blank">${doc}`;

/** The text with its http(s) links clickable (opening in a new tab). */
function linkified(text: string) {
  return text
    .split(/(https?:\/\/[^\s<]+)/g)
    .map((part, i) => (i % 2 ? html`<a href=${part} target="_blank" rel="noopener">${part}</a>` : part));
}

customElements.define("gk-dash-notifications", NotificationsPage);
customElements.define("gk-dash-outbox-message", OutboxMessagePage);
