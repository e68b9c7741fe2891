import type { ChatMessage } from "@gatherkit/sdk";
import { css, html, LitElement, nothing } from "lit";
import { describe, gk } from "../api.js";
import { dateTime, ListController, styles } from "../ui.js";

/**
 * A plan's chat as its organizer moderates it: the messages newest first; Hide takes a message
 * out of the participants' chat (it stays here, greyed, with Unhide), and Delete (confirmed)
 * removes its words for good — the API keeps it as a tombstone without its body. Only a
 * message's author edits it.
 */
export class PlanChat extends LitElement {
  static override styles = [
    styles,
    css`li.hidden-message { background: #f6f8fa; border-left: 3px dashed #8c959f; padding-left: 0.5rem; }
    li.hidden-message [data-testid=body] { color: #57606a; }
    .moderation { display: flex; flex-wrap: wrap; gap: 0.35rem; }`,
  ];
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
            (m) => html`<li data-message=${m.id} class=${m.hiddenAt && m.body !== null ? "hidden-message" : ""}>
              <p><strong>${m.authorName}</strong> <span class="muted">${dateTime(m.createdAt)}${m.editedAt ? " · edited" : ""}</span></p>
              ${
                m.body === null
                  ? html`<p class="muted" data-testid="body"><em>Deleted ${dateTime(m.deletedAt)}</em></p>`
                  : html`<p data-testid="body" style="white-space:pre-wrap;overflow-wrap:anywhere">${m.body}</p>
                    ${m.hiddenAt ? html`<p class="muted" data-testid="hidden"><em>Hidden from participants ${dateTime(m.hiddenAt)}</em></p>` : nothing}
                    ${this.open ? this.#moderation(m) : nothing}`
              }
            </li>`,
          )}
        </ul>`,
      })}`;
  }

  #moderation(m: ChatMessage) {
    const what = `the message of ${m.authorName} from ${dateTime(m.createdAt)}`;
    return html`<div class="moderation">
      ${
        m.hiddenAt
          ? html`<button data-action="unhide" aria-label="Unhide ${what}" @click=${() => this.#setHidden(m, false)}>Unhide</button>`
          : html`<button data-action="hide" aria-label="Hide ${what} from participants" @click=${() => this.#setHidden(m, true)}>Hide</button>`
      }
      <button class="danger" aria-label="Delete ${what}" @click=${() => this.#delete(m)}>Delete</button>
    </div>`;
  }

  /** Hides a message from the participants (their open chats drop it at once), or shows it again. */
  async #setHidden(m: ChatMessage, hidden: boolean) {
    this.#actionError = "";
    this.#notice = "";
    try {
      if (hidden) await gk.plans.messages.hide(this.planId, m.id);
      else await gk.plans.messages.unhide(this.planId, m.id);
      await this.#messages.reload();
      // Keep the keyboard where it was: on the message's other moderation button; then say so.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`li[data-message='${m.id}'] button[data-action=${hidden ? "unhide" : "hide"}]`)?.focus();
      this.#notice = `Message by ${m.authorName} ${hidden ? "hidden from participants" : "shown to participants again"}.`;
    } catch (err) {
      this.#actionError = describe(err);
    }
    this.requestUpdate();
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
