import type { RequestLogEntry } from "@gatherkit/sdk";
import { html, LitElement } from "lit";
import { gk } from "../api.js";
import { ListController, styles, timeOfDay as time } from "../ui.js";

/**
 * Developers → Requests: the organization's recent API calls (its keys', tokens' and sessions'),
 * newest first, with the request id to quote and the problem code of each failure. Live: it
 * reloads every few seconds while "Live" is on and the tab is visible.
 */
export class RequestsPage extends LitElement {
  static override styles = styles;
  #failedOnly = false;
  #live = true;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #list = new ListController<RequestLogEntry>(this, () =>
    gk.requestLog.list({ limit: 50, ...(this.#failedOnly ? { failed: true } : {}) }),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => {
      // Only the first page is refreshed, and not while the organizer reads further pages.
      if (this.#live && document.visibilityState === "visible" && this.#list.items.length <= 50) void this.#list.refresh();
    }, 5_000);
  }

  override disconnectedCallback(): void {
    clearInterval(this.#timer);
    super.disconnectedCallback();
  }

  override render() {
    return html`<h1>Request log</h1>
      <p class="muted">The latest calls to the API made with your organization's keys, participant tokens and sessions. Quote a request id when you ask for help.</p>
      <div class="row" role="group" aria-label="Filters">
        <label class="inline"><input type="checkbox" .checked=${this.#failedOnly} @change=${this.#toggleFailed} /> Failures only</label>
        <label class="inline"><input type="checkbox" .checked=${this.#live} @change=${this.#toggleLive} /> Live</label>
        <button class="secondary" @click=${() => this.#list.reload()}>Refresh</button>
      </div>
      ${this.#list.render({
        what: "requests",
        empty: this.#failedOnly ? "No failed requests recently." : "No requests yet: calls made with your keys show up here.",
        rows: (items) => html`<table>
          <caption class="muted" style="text-align:left">Recent API calls, newest first</caption>
          <thead><tr><th>Time</th><th>Request</th><th>Status</th><th class="optional">Caller</th><th class="optional">Request id</th></tr></thead>
          <tbody>
            ${items.map(
              (r) => html`<tr data-request-id=${r.requestId}>
                <td>${time(r.createdAt)}</td>
                <td><code>${r.method} ${r.path}</code></td>
                <td>${r.status}${r.code ? html` <code class="problem">${r.code}</code>` : ""}</td>
                <td class="optional">${r.callerKind.replace("_", " ")}</td>
                <td class="optional"><code>${r.requestId}</code></td>
              </tr>`,
            )}
          </tbody>
        </table>`,
      })}`;
  }

  #toggleFailed = (e: Event) => {
    this.#failedOnly = (e.target as HTMLInputElement).checked;
    void this.#list.reload();
  };

  #toggleLive = (e: Event) => {
    this.#live = (e.target as HTMLInputElement).checked;
  };
}

customElements.define("gk-dash-requests", RequestsPage);
