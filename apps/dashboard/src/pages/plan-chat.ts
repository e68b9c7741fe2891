import type { ChatMessage } from "@gatherkit/sdk";
import { html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { dateTime, ListController, styles } from "../ui.js";

/**
 * A plan's chat as its organizer moderates it: the messages newest first, and Delete (confirmed)
 * on any live one — the API keeps the message as a tombstone without its body. The API has no
 * "hide" state, and only a message's author edits it, so deleting is the moderation there is.
 */
export class PlanChat extends LitElement {
  static override styles = styles;
  static override properties = { planId: { attribute: "plan-id" }, open: { type: Boolean } };
  declare planId: string;
  /** Whether the plan's chat still takes changes (planning or finalized). */
  declare open: boolean;
  readonly #messages = new ListController<ChatMessage>(this, () => gk.plans.messages.list(this.planId, { limit: 20 }));
  #notice = "";
  #actionError = "";

  override render() {
    return html`<h2 id="chat">Chat</h2>
      <div role="status">${this.#notice ? html`<p class="notice">${this.#notice}</p>` : nothing}</div>
      ${this.#actionError ? html`<p class="error" role="alert">${this.#actionError}</p>` : nothing}
      ${this.#messages.render({
        what: "the chat",
        empty: "Nobody has written in the chat yet.",
        rows: (messages) => html`<ul class="reviews" aria-label="Chat messages, newest first">
          ${messages.map(
            (m) => html`<li data-message=${m.id}>
              <p><strong>${m.authorName}</strong> <span class="muted">${dateTime(m.createdAt)}${m.editedAt ? " · edited" : ""}</span></p>
              ${
                m.body === null
                  ? html`<p class="muted" data-testid="body"><em>Deleted ${dateTime(m.deletedAt)}</em></p>`
                  : html`<p data-testid="body" style="white-space:pre-wrap;overflow-wrap:anywhere">${m.body}</p>
                    ${
                      this.open
                        ? html`<button class="danger" aria-label="Delete the message of ${m.authorName} from ${dateTime(m.createdAt)}" @click=${() => this.#delete(m)}>Delete</button>`
                        : nothing
                    }`
              }
            </li>`,
          )}
        </ul>`,
      })}`;
  }

  async #delete(m: ChatMessage) {
    if (!confirm(`Delete this message by ${m.authorName}? Everyone in the plan sees it as deleted; this cannot be undone.`)) return;
    this.#actionError = "";
    this.#notice = "";
    try {
      await gk.plans.messages.del(this.planId, m.id);
      this.#notice = `Message by ${m.authorName} deleted.`;
      await this.#messages.reload();
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
  }
}

customElements.define("gk-dash-plan-chat", PlanChat);
