import { type GatherkitClient, type InboxItem, Notifications, type Subscription } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { ActionController } from "../base/action-controller.js";
import { defineElement } from "../base/define.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { INBOX_LOCALES, INBOX_STRINGS, type InboxStrings } from "./inbox.strings.js";
import { inboxStyles } from "./inbox.styles.js";

export { INBOX_STRINGS, type InboxStrings } from "./inbox.strings.js";

/** Detail of `gk-inbox-read`: the viewer marked items read. */
export interface InboxReadDetail {
  /** The items marked read (every unread one shown, for "Mark all read"). */
  ids: string[];
  /** How many are still unread. */
  unread: number;
}

declare global {
  interface GkEventDetailMap {
    "gk-inbox-read": InboxReadDetail;
  }
  interface HTMLElementTagNameMap {
    "gk-inbox": GkInbox;
  }
}

/** Items shown (newest first); older ones load with "Show older". */
const PAGE = 20;

interface Loaded {
  recipientId: string;
  unread: number;
  items: InboxItem[];
  nextCursor: string | null;
}

const when = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

/**
 * A person's notification inbox: what the organizers and the site told them (a plan was
 * finalized, voting closes soon, …), newest first, with an unread badge. Live: a new
 * notification appears (and is announced) while the page is open, and reading it elsewhere
 * updates the badge. Each unread item has "Mark read"; "Mark all read" clears the badge.
 *
 * Needs a participant token (`token`), which says whose inbox it is; a publishable key alone
 * has no inbox.
 *
 * ```html
 * <gk-inbox api-base="https://api.example.com" token="gk_pt_…"></gk-inbox>
 * ```
 *
 * @tag gk-inbox
 * @summary A participant's notification inbox with an unread badge, live.
 *
 * @event {CustomEvent<InboxReadDetail>} gk-inbox-read - The viewer marked items read: `{ ids, unread }`.
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed (e.g. `permission_denied` without a participant token).
 *
 * @csspart heading - The "Notifications" heading, with the badge.
 * @csspart badge - The unread count (hidden at 0).
 * @csspart items - The list of notifications (scrollable).
 * @csspart item - One notification; also `unread` while it is unread.
 * @csspart unread - An unread notification.
 * @csspart item-title - Its title.
 * @csspart item-body - Its text.
 * @csspart item-time - When it was sent.
 * @csspart item-link - "Open", where it leads, if anywhere.
 * @csspart button - "Mark read", "Mark all read" and "Show older".
 * @csspart form-error - Why the API refused marking read.
 *
 * @cssproperty --gk-inbox-height - Maximum height of the list before it scrolls (default `24rem`).
 * @cssproperty --gk-inbox-badge-color - Background of the unread badge (default: the accent colour).
 */
export class GkInbox extends GkElement {
  static override styles = [GkElement.styles, inboxStyles];
  static override properties: PropertyDeclarations = {
    _inbox: { state: true },
    _announce: { state: true },
    strings: { attribute: false },
  };

  /** Sentences in your own words, over the locale's (see `INBOX_STRINGS`). Property only. */
  declare strings: Partial<InboxStrings>;
  readonly #s = new Strings(this, INBOX_STRINGS, INBOX_LOCALES);

  /** What is shown: loaded, then kept current by the room. */
  declare private _inbox: Loaded | undefined;
  /** Said politely to screen readers when something arrives live. */
  declare private _announce: string;

  readonly #actions = new ActionController(this);
  #subscription: { client: GatherkitClient; recipientId: string; sub: Subscription } | undefined;

  readonly #load = this.load(
    () => [] as const,
    async (gk, _args, { signal }) => {
      const since = Date.now();
      const loaded = await fetchInbox(new Notifications(gk), signal);
      this._inbox = loaded;
      this.#since = since;
      return loaded;
    },
  );
  #since = 0;

  constructor() {
    super();
    this._announce = "";
    this.strings = {};
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#subscription?.sub.close();
    this.#subscription = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.#keepSubscription();
  }

  /** One subscription to the person's room while their inbox is shown. */
  #keepSubscription(): void {
    const gk = this.gatherkit;
    const recipientId = this._inbox?.recipientId;
    const current = this.#subscription;
    if (current && (current.client !== gk || current.recipientId !== recipientId)) {
      current.sub.close();
      this.#subscription = undefined;
    }
    if (!gk || !recipientId || this.#subscription || !this.isConnected) return;
    const sub = new Notifications(gk).subscribe(recipientId, () => void this.#refresh(), {
      since: this.#since,
      onResync: () => void this.#refresh(),
    });
    this.#subscription = { client: gk, recipientId, sub };
  }

  /** Reads the inbox again without a spinner (something changed in the room), announcing what is new. */
  async #refresh(): Promise<void> {
    const gk = this.gatherkit;
    if (!gk) return;
    let next: Loaded;
    try {
      next = await fetchInbox(new Notifications(gk));
    } catch {
      return; // the next change or reconnect tries again; what is shown stays
    }
    const known = new Set(this._inbox?.items.map((i) => i.id));
    const fresh = next.items.filter((i) => !known.has(i.id));
    if (fresh.length === 1) this._announce = this.#s.value.arrived(fresh[0]!.title);
    else if (fresh.length > 1) this._announce = `${fresh.length} new notifications`;
    this._inbox = next;
  }

  override render() {
    return this.renderTask(this.#load, {
      messages: { loading: this.#s.value.loading },
      isEmpty: () => false,
      complete: () => this.#render(this._inbox!),
    });
  }

  #render(inbox: Loaded): TemplateResult {
    const t = this.#s.value;
    const busyAll = this.#actions.busy("all") ? "true" : "false";
    return html`<section aria-labelledby="inbox-title">
      <div class="head">
        <h3 part="heading" id="inbox-title" tabindex="-1">
          ${t.heading}
          ${inbox.unread ? html`<span part="badge">${inbox.unread}<span class="visually-hidden">${t.unread}</span></span>` : nothing}
        </h3>
        ${
          inbox.unread
            ? html`<button type="button" part="button mark-all" aria-disabled=${busyAll} @click=${() => this.#readAll()}>
              ${t.markAll}
            </button>`
            : nothing
        }
      </div>
      ${this.#actions.renderProblem("all")}
      ${
        inbox.items.length
          ? html`<ul part="items" aria-labelledby="inbox-title">
            ${repeat(
              inbox.items,
              (i) => i.id,
              (i) => this.#renderItem(i),
            )}
          </ul>`
          : html`<p class="muted">${t.none}</p>`
      }
      ${
        inbox.nextCursor
          ? html`<button type="button" part="button older" aria-disabled=${this.#actions.busy("older") ? "true" : "false"} @click=${() => this.#older()}>
            ${t.older}
          </button>`
          : nothing
      }
      ${this.#actions.renderProblem("older")}
      <p class="visually-hidden" role="status" aria-live="polite">${this._announce}</p>
    </section>`;
  }

  #renderItem(i: InboxItem): TemplateResult {
    const t = this.#s.value;
    const unread = i.readAt === null;
    const key = `read:${i.id}`;
    return html`<li part=${unread ? "item unread" : "item"} data-id=${i.id}>
      <p part="item-title">
        ${unread ? html`<span class="visually-hidden">${t.unreadItem}</span>` : nothing}
        <strong>${i.title}</strong>
      </p>
      <p part="item-body">${i.body}</p>
      <div class="actions">
        <time part="item-time" datetime=${i.createdAt}>${when(i.createdAt, this.resolvedLocale)}</time>
        ${i.link && /^https?:/i.test(i.link) ? html`<a part="item-link" href=${i.link} @click=${() => unread && this.#read(i)}>${t.open}<span class="visually-hidden">: ${i.title}</span></a>` : nothing}
        ${
          unread
            ? html`<button
              type="button"
              part="button mark-read"
              aria-disabled=${this.#actions.busy(key) ? "true" : "false"}
              @click=${() => this.#read(i)}
            >
              ${t.markRead}<span class="visually-hidden">: ${i.title}</span>
            </button>`
            : nothing
        }
      </div>
      ${this.#actions.renderProblem(key)}
    </li>`;
  }

  async #read(item: InboxItem): Promise<void> {
    const gk = this.gatherkit;
    if (!gk) return;
    // Focus stays in the list: on the item, whose button goes away.
    const done = await this.#actions.run(`read:${item.id}`, () => new Notifications(gk).read(item.id), {
      focus: `[data-id="${item.id}"] [part~="item-title"]`,
    });
    if (!done || !this._inbox) return;
    const items = this._inbox.items.map((i) => (i.id === done.id ? done : i));
    const unread = Math.max(0, this._inbox.unread - (item.readAt === null ? 1 : 0));
    this._inbox = { ...this._inbox, items, unread };
    emit(this, "gk-inbox-read", { ids: [item.id], unread });
  }

  async #readAll(): Promise<void> {
    const gk = this.gatherkit;
    if (!gk || !this._inbox) return;
    const ids = this._inbox.items.filter((i) => i.readAt === null).map((i) => i.id);
    const done = await this.#actions.run("all", () => new Notifications(gk).readAll(), { focus: "#inbox-title" });
    if (!done || !this._inbox) return;
    const now = new Date().toISOString();
    this._inbox = { ...this._inbox, unread: 0, items: this._inbox.items.map((i) => (i.readAt ? i : { ...i, readAt: now })) };
    emit(this, "gk-inbox-read", { ids, unread: 0 });
  }

  async #older(): Promise<void> {
    const gk = this.gatherkit;
    const inbox = this._inbox;
    if (!gk || !inbox?.nextCursor) return;
    const page = await this.#actions.run("older", () => new Notifications(gk).list({ limit: PAGE, cursor: inbox.nextCursor! }));
    if (!page || !this._inbox) return;
    const known = new Set(this._inbox.items.map((i) => i.id));
    this._inbox = {
      ...this._inbox,
      items: [...this._inbox.items, ...page.data.filter((i) => !known.has(i.id))],
      nextCursor: page.nextCursor,
    };
  }
}

async function fetchInbox(notifications: Notifications, signal?: AbortSignal): Promise<Loaded> {
  const [count, page] = await Promise.all([notifications.unread({ signal }), notifications.list({ limit: PAGE }, { signal })]);
  return { recipientId: count.recipientId, unread: count.unread, items: page.data, nextCursor: page.nextCursor };
}

defineElement("gk-inbox", GkInbox);
