import type { EmailSuppression, LocalMessage, NotificationDelivery, SentNotification } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { BASE } from "../router.js";
import { dateTime, ListController, styles } from "../ui.js";

const STATUSES = ["queued", "sending", "retrying", "sent", "delivered", "bounced", "failed", "suppressed"] as const;
const CHANNELS = ["email", "sms", "push", "inbox"] as const;
type Status = (typeof STATUSES)[number];
type Channel = (typeof CHANNELS)[number];

/**
 * Notifications: the delivery log (one entry per message and channel: its status, the provider's
 * message id and why it failed or was suppressed), filtered by status and channel, and the local
 * outbox of the embedded default (what the local providers recorded instead of sending). Each
 * entry names the notification that caused it; opening one lists all its deliveries. Suppressed
 * addresses are listed, and owners and admins lift one (after confirming).
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
      .status-queued { color: #57606a; font-style: italic; }
      section.notification { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.75rem 1rem; margin: 1rem 0; }
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
  readonly #suppressions = new ListController<EmailSuppression>(this, () => gk.notifications.suppressions({ limit: 20 }));
  /** The notification opened from the log, with its deliveries. */
  #open:
    | { id: string; state: "loading" }
    | { id: string; state: "error"; error: string }
    | { id: string; state: "ready"; notification: SentNotification }
    | undefined;
  #liftStatus = "";
  #liftError = "";

  async #openNotification(id: string): Promise<void> {
    this.#open = { id, state: "loading" };
    this.requestUpdate();
    try {
      this.#open = { id, state: "ready", notification: await gk.notifications.notification(id) };
    } catch (err) {
      this.#open = { id, state: "error", error: describe(err) };
    }
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("#notification-title")?.focus();
  }

  async #lift(s: EmailSuppression): Promise<void> {
    const what =
      s.scope === "global"
        ? `${s.address} hard-bounced. Lift it only if you know the mailbox exists again: email to it resumes for every organization, and a new bounce suppresses it again.`
        : `The recipient of ${s.address} marked your email as spam. Lift it only if they asked to hear from you again.`;
    if (!confirm(`${what} Lift the suppression?`)) return;
    this.#liftStatus = "";
    this.#liftError = "";
    try {
      await gk.notifications.liftSuppression({ address: s.address, scope: s.scope });
      this.#liftStatus = `Lifted: the next email to ${s.address} goes out.`;
      await this.#suppressions.reload();
    } catch (err) {
      this.#liftError = `Could not lift ${s.address}: ${describe(err)}`;
    }
    this.requestUpdate();
  }

  #filter(e: Event): void {
    const form = (e.currentTarget as HTMLSelectElement).form!;
    this.#status = (form.elements.namedItem("status") as HTMLSelectElement).value as Status | "";
    this.#channel = (form.elements.namedItem("channel") as HTMLSelectElement).value as Channel | "";
    void this.#log.reload();
  }

  #renderNotification() {
    const open = this.#open;
    if (!open) return nothing;
    const close = html`<button class="secondary" @click=${() => {
      this.#open = undefined;
      this.requestUpdate();
    }}>Close</button>`;
    if (open.state === "loading") return html`<section class="notification"><p role="status">Loading the notification…</p></section>`;
    if (open.state === "error") {
      return html`<section class="notification"><p class="error" role="alert">Could not load the notification: ${open.error}</p>${close}</section>`;
    }
    const n = open.notification;
    return html`<section class="notification" aria-labelledby="notification-title">
      <h3 id="notification-title" tabindex="-1">Notification ${n.kind} <code>${n.id}</code></h3>
      <p class="muted">Queued ${dateTime(n.createdAt)}; ${n.deliveries.length} deliver${n.deliveries.length === 1 ? "y" : "ies"}.</p>
      <ul>
        ${n.deliveries.map(
          (d) =>
            html`<li data-delivery=${d.id}>${d.channel} to <code>${d.to}</code>: <span class="status-${d.status}">${d.status}</span>${d.error ? ` (${d.error})` : ""}</li>`,
        )}
      </ul>
      ${close}
    </section>`;
  }

  override render() {
    return html`<h1>Notifications</h1>
      <h2 id="log-title">Delivery log</h2>
      <p class="muted">
        Every email, SMS, push and inbox fan-out, newest first: <strong>queued</strong> until it is first attempted,
        <strong>sent</strong> when the provider took it,
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
          <thead><tr><th>When</th><th>Channel</th><th>To</th><th class="optional">Kind</th><th>Status</th><th class="optional">Provider message id</th><th>Details</th><th>Notification</th></tr></thead>
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
                <td>${
                  d.notificationId
                    ? html`<button class="secondary" aria-label="Show all deliveries of the notification behind this ${d.channel} entry" @click=${() => this.#openNotification(d.notificationId!)}>Show all</button>`
                    : nothing
                }</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`,
      })}
      ${this.#renderNotification()}
      <h2 id="suppressions-title">Suppressed addresses</h2>
      <p class="muted">
        No email goes to these addresses: a recipient who marked your email as spam (<strong>organization</strong>), or an
        address that hard-bounced (<strong>global</strong>: no organization emails it; only the organization whose email
        bounced may lift it). Owners and admins lift one; a new bounce or complaint suppresses it again.
      </p>
      ${this.#liftStatus ? html`<p role="status">${this.#liftStatus}</p>` : nothing}
      ${this.#liftError ? html`<p class="error" role="alert">${this.#liftError}</p>` : nothing}
      ${this.#suppressions.render({
        what: "suppressed addresses",
        empty: "No address is suppressed.",
        rows: (
          list,
        ) => html`<div class="scroll" role="region" aria-labelledby="suppressions-title" tabindex="0"><table aria-labelledby="suppressions-title">
          <thead><tr><th>Since</th><th>Address</th><th>Scope</th><th>Why</th><th>Action</th></tr></thead>
          <tbody>
            ${list.map(
              (x) => html`<tr data-address=${x.address}>
                <td>${dateTime(x.createdAt)}</td>
                <td><code>${x.address}</code></td>
                <td>${x.scope}</td>
                <td class="error-text">${x.reason === "bounced" ? `hard bounce${x.detail ? `: ${x.detail}` : ""}` : "marked as spam"}</td>
                <td>${
                  x.liftable
                    ? html`<button class="secondary" aria-label="Lift the suppression of ${x.address}" @click=${() => this.#lift(x)}>Lift</button>`
                    : html`<span class="muted">Another organization's bounce</span>`
                }</td>
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
