import type { ChatMessage } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { formatInstant } from "../internal/plans/format.js";
import { planStyles } from "../internal/plans/plan.styles.js";
import { PlanElement } from "../internal/plans/plan-element.js";
import type { PlanStore } from "../internal/plans/plan-store.js";
import type { PlanStrings } from "../internal/plans/plans.strings.js";
import { PLAN_CHAT_LOCALES, PLAN_CHAT_STRINGS, type PlanChatStrings } from "./plan-chat.strings.js";
import { planChatStyles } from "./plan-chat.styles.js";

export type { PlanJoinedDetail } from "../internal/plans/join-form.js";

/** Detail of `gk-message-sent`: the viewer's chat message was posted. */
export interface MessageSentDetail {
  planId: string;
  message: ChatMessage;
}

declare global {
  interface GkEventDetailMap {
    "gk-message-sent": MessageSentDetail;
  }
  interface HTMLElementTagNameMap {
    "gk-plan-chat": GkPlanChat;
  }
}

const CHAT_PAGE = 50;
/** Someone's "typing…" disappears this long after their last signal, should "stopped" never come. */
const TYPING_TIMEOUT_MS = 8_000;
/** While the viewer keeps typing, the room is told again this often. */
const TYPING_RESEND_MS = 3_000;

/**
 * A plan's chat: the latest messages, live, with "Ana is typing…". People edit their own messages
 * (inline; Escape cancels) and delete them; organizers delete anyone's. Edited messages say
 * "(edited)" and deleted ones "Message deleted.". A message an organizer hides (moderation, in the
 * dashboard) leaves the chat at once, and comes back if they show it again.
 *
 * Inside `<gk-plan-board>` or `<gk-plan>` it shows their plan; alone it takes the same attributes
 * as the board (`plan`, `token` or `invite`, `api-base`, …).
 *
 * @tag gk-plan-chat
 * @summary A plan's live chat, with edits, deletions and typing indicators.
 *
 * @event {CustomEvent<MessageSentDetail>} gk-message-sent - The viewer's chat message was posted: `{ planId, message }`.
 * @event {CustomEvent<PlanJoinedDetail>} gk-plan-joined - Alone with `invite`: the visitor joined through the invite form.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed.
 *
 * @csspart heading - The "Chat" heading.
 * @csspart messages - The chat log (scrollable).
 * @csspart message - One message (a deleted one says "Message deleted.").
 * @csspart message-author - Its author.
 * @csspart message-time - When it was sent.
 * @csspart typing - "Ana is typing…" under the log.
 * @csspart button - Send, Edit, Delete, Save, Cancel.
 * @csspart input - The message box, and the box of an inline edit.
 * @csspart form-error - Why the API refused sending, editing or deleting.
 * @csspart notice - Alone: "You are no longer in this plan" once the viewer lost access.
 *
 * @cssproperty --gk-plan-chat-height - Maximum height of the log before it scrolls (default: `--gk-plan-board-chat-height`, else `20rem`).
 */
export class GkPlanChat extends PlanElement {
  static override styles = [GkElement.styles, planStyles, planChatStyles];
  static override properties: PropertyDeclarations = {
    log: { state: true, attribute: false },
    typing: { state: true, attribute: false },
    editing: { state: true, attribute: false },
  };

  /** Oldest first. */
  /** Sentences in your own words (see `PLAN_CHAT_STRINGS`, and the plan widgets' `PLAN_STRINGS`). Property only. */
  declare strings: Partial<PlanStrings & PlanChatStrings>;
  readonly #s = new Strings(this, PLAN_CHAT_STRINGS, PLAN_CHAT_LOCALES);

  declare private log: readonly ChatMessage[];
  /** Who else is typing (participant id → name). */
  declare private typing: ReadonlyMap<string, string>;
  /** The message being edited (one at a time). */
  declare private editing: string | undefined;

  readonly #actions = new ActionController(this, { disabled: () => this.locked });
  readonly #typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** When the viewer last told the room they are typing (0: they are not). */
  #typingSentAt = 0;

  readonly #part = this.loadPart(
    async (store, signal) => (await store.client.plans.messages.list(store.planId, { limit: CHAT_PAGE }, { signal })).data,
    (newestFirst) => {
      // Organizers get hidden messages from the list too: the chat shows none (the dashboard moderates).
      this.log = newestFirst.filter((m) => m.hiddenAt === null).reverse();
    },
  );

  constructor() {
    super();
    this.log = [];
    this.typing = new Map();
    this.listen({
      "plan.message_changed": ({ message }) => {
        this.#upsert(message);
        this.#setTyping(message.authorParticipantId, message.authorName, false);
      },
      onTyping: ({ id, name, typing }) => this.#setTyping(id, name, typing),
      onResync: () => void this.#part.refresh(),
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const timer of this.#typingTimers.values()) clearTimeout(timer);
    this.#typingTimers.clear();
    this.typing = new Map();
    this.#typingSentAt = 0;
  }

  override render() {
    return this.renderPlan(this.#part, {
      messages: { loading: this.#s.value.loading },
      isEmpty: () => false,
      complete: () => this.#render(this.store!),
    });
  }

  #render(store: PlanStore): TemplateResult {
    const t = this.#s.value;
    const canChat = store.viewerId === null || store.role !== null;
    const busy = this.#actions.busy("send") ? "true" : "false";
    return html`<fieldset class="scope" ?disabled=${this.locked}>
      <h3 part="heading" id="chat-title">${t.heading}</h3>
      <div part="messages" role="log" aria-labelledby="chat-title" tabindex="0">
        ${
          this.log.length
            ? html`<ol>
              ${repeat(
                this.log,
                (m) => m.id,
                (m) => this.#renderMessage(store, m),
              )}
            </ol>`
            : html`<p class="muted">${t.none}</p>`
        }
      </div>
      ${this.typing.size ? html`<p part="typing" class="muted">${t.typing([...this.typing.values()])}</p>` : nothing}
      ${
        canChat
          ? html`<form class="chat-form" @submit=${(e: SubmitEvent) => this.#send(e, store)} aria-busy=${busy}>
            <div class="field">
              <label for="chat-input">${t.message}</label>
              <div class="row tight">
                <input
                  id="chat-input"
                  name="body"
                  required
                  maxlength="4000"
                  autocomplete="off"
                  part="input"
                  @input=${this.#typed}
                  @blur=${this.#stoppedTyping}
                />
                <button type="submit" part="button" aria-disabled=${busy}>${t.send}</button>
              </div>
            </div>
            ${this.#actions.renderProblem("send")}
          </form>`
          : nothing
      }
      ${store.plan?.status === "cancelled" ? html`<p class="muted">${t.cancelled}</p>` : nothing}
    </fieldset>`;
  }

  #renderMessage(store: PlanStore, m: ChatMessage): TemplateResult {
    const t = this.#s.value;
    const deleted = m.body === null || m.deletedAt !== null;
    const me = store.viewerId;
    const mine = me !== null && m.authorParticipantId === me;
    const canEdit = mine && !deleted;
    const canDelete = !deleted && (mine || store.role === "organizer");
    const editing = this.editing === m.id;
    const deleteKey = `delete:${m.id}`;
    let body: TemplateResult;
    if (deleted) {
      body = html`<p class="muted deleted">${t.deleted}</p>`;
    } else if (editing) {
      const busy = this.#actions.busy("edit") ? "true" : "false";
      body = html`<form class="edit-form" @submit=${(e: SubmitEvent) => this.#saveEdit(e, store, m)} aria-busy=${busy}>
        <label for="edit-input" class="visually-hidden">${t.editLabel}</label>
        <div class="row tight">
          <input
            id="edit-input"
            name="body"
            required
            maxlength="4000"
            autocomplete="off"
            part="input"
            .value=${m.body ?? ""}
            @keydown=${(e: KeyboardEvent) => e.key === "Escape" && this.#stopEditing(m.id)}
          />
          <button type="submit" part="button" class="save" aria-disabled=${busy}>${t.save}</button>
          <button type="button" part="button" class="secondary cancel" @click=${() => this.#stopEditing(m.id)}>${t.cancel}</button>
        </div>
        ${this.#actions.renderProblem("edit")}
      </form>`;
    } else {
      body = html`<p>${m.body}${m.editedAt ? html` <span class="muted edited">${t.edited}</span>` : nothing}</p>`;
    }
    const when = formatInstant(m.createdAt, undefined, this.resolvedLocale);
    const label = t.actionsOf(mine, m.authorName, when);
    return html`<li part="message" id=${`message-${m.id}`}>
      <span part="message-author">${mine ? t.you : m.authorName}</span>
      <time part="message-time" datetime=${m.createdAt}>${when}</time>
      ${body}
      ${
        !editing && (canEdit || canDelete)
          ? html`<div class="actions" role="group" aria-label=${label}>
            ${canEdit ? html`<button type="button" part="button" class="secondary edit" @click=${() => this.#startEditing(m.id)}>${t.edit}</button>` : nothing}
            ${
              canDelete
                ? html`<button
                  type="button"
                  part="button"
                  class="secondary delete"
                  aria-disabled=${this.#actions.busy(deleteKey) ? "true" : "false"}
                  @click=${() => void this.#delete(store, m)}
                >
                  ${t.del}
                </button>`
                : nothing
            }
          </div>`
          : nothing
      }
      ${this.#actions.renderProblem(deleteKey)}
    </li>`;
  }

  /** A message posted or changed; one an organizer hid leaves the chat (and comes back when shown again). */
  #upsert(message: ChatMessage): void {
    const at = this.log.findIndex((m) => m.id === message.id);
    if (message.hiddenAt != null) {
      this.log = this.log.filter((m) => m.id !== message.id);
      if (this.editing === message.id) this.editing = undefined;
      return;
    }
    this.log =
      at === -1
        ? [...this.log, message].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        : this.log.map((m) => (m.id === message.id ? message : m));
  }

  #startEditing(id: string): void {
    this.editing = id;
    this.#actions.clear("edit");
    this.#actions.focusAfterUpdate("#edit-input");
  }

  #stopEditing(id: string): void {
    this.editing = undefined;
    this.#actions.clear("edit");
    this.#actions.focusAfterUpdate(`#message-${id} .edit`);
  }

  #saveEdit(event: SubmitEvent, store: PlanStore, m: ChatMessage): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("body") as HTMLInputElement;
    const body = input.value.trim();
    if (!body) return;
    if (body === m.body) {
      this.#stopEditing(m.id);
      return;
    }
    void this.#actions.run(
      "edit",
      async () => {
        this.#upsert(await store.client.plans.messages.update(store.planId, m.id, { body }));
        this.editing = undefined;
      },
      { focus: `#message-${m.id} .edit` },
    );
  }

  async #delete(store: PlanStore, m: ChatMessage): Promise<void> {
    await this.#actions.run(
      `delete:${m.id}`,
      async () => {
        await store.client.plans.messages.del(store.planId, m.id);
        this.#upsert({ ...m, body: null, deletedAt: m.deletedAt ?? new Date().toISOString() });
      },
      // The buttons go with the message: focus the tombstone, not the page.
      { focus: `#message-${m.id} .deleted` },
    );
  }

  #send(event: SubmitEvent, store: PlanStore): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("body") as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    void this.#actions.run("send", async () => {
      const message = await store.client.plans.messages.create(store.planId, { body: text });
      this.#upsert(message);
      input.value = "";
      this.#stoppedTyping();
      emit(this, "gk-message-sent", { planId: store.planId, message });
    });
  }

  #setTyping(id: string, name: string, typing: boolean): void {
    clearTimeout(this.#typingTimers.get(id));
    this.#typingTimers.delete(id);
    const next = new Map(this.typing);
    if (typing && id !== this.store?.viewerId) {
      next.set(id, name);
      this.#typingTimers.set(
        id,
        setTimeout(() => this.#setTyping(id, name, false), TYPING_TIMEOUT_MS),
      );
    } else if (!next.delete(id)) {
      return;
    }
    this.typing = next;
  }

  /** Typing in the chat box: tell the room at most every few seconds, and when the box is emptied. */
  #typed = (event: InputEvent): void => {
    const typing = (event.currentTarget as HTMLInputElement).value.trim() !== "";
    const now = Date.now();
    if (typing && now - this.#typingSentAt < TYPING_RESEND_MS) return;
    if (!typing && this.#typingSentAt === 0) return;
    this.#typingSentAt = typing ? now : 0;
    this.store?.sendTyping(typing);
  };

  #stoppedTyping = (): void => {
    if (this.#typingSentAt === 0) return;
    this.#typingSentAt = 0;
    this.store?.sendTyping(false);
  };
}

defineElement("gk-plan-chat", GkPlanChat);
