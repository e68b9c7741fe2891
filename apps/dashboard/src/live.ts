import { html, type LitElement, type ReactiveController, type TemplateResult } from "lit";
import { gk } from "./api.js";

/**
 * A page that watches a room (`event:<id>`, `place:<id>`) while it is on screen: it subscribes
 * through the SDK's realtime when the page is connected and closes the subscription when it is
 * left. Each message (its type; undefined for a resync after a reconnect) runs `changed` — a burst of messages runs
 * it once — which refetches through the API, so a page shows what its member may read, never
 * more than the message says. What `changed` answers ("2 new orders") is announced in a polite
 * live region that `render()` places, unobtrusively.
 */
export class LiveController implements ReactiveController {
  /** The last change announced, if any. */
  said = "";
  #sub: { close(): void } | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #wait: ReturnType<typeof setTimeout> | undefined;

  /** `opts.debounceMs`: wait that long after a message (each new one restarts the wait) before refetching once. */
  constructor(
    private readonly host: LitElement,
    private readonly room: () => string,
    private readonly changed: (type: string | undefined) => Promise<string | undefined>,
    private readonly opts: { debounceMs?: number } = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const room = this.room();
    if (!room) return;
    this.#sub = gk.realtime.subscribe(room, (e) => this.#soon(e.type), { onResync: () => this.#soon(undefined) });
  }

  hostDisconnected(): void {
    this.#sub?.close();
    this.#sub = undefined;
    clearTimeout(this.#wait);
    this.#wait = undefined;
  }

  /** Debounced: a burst of messages refetches once, after the last one (a resync, or mixed types, as a resync). */
  #soon(type: string | undefined): void {
    const ms = this.opts.debounceMs;
    if (!ms) {
      this.#run(type);
      return;
    }
    if (this.#wait) type = type === this.#pending ? type : undefined;
    this.#pending = type;
    clearTimeout(this.#wait);
    this.#wait = setTimeout(() => {
      this.#wait = undefined;
      this.#run(this.#pending);
    }, ms);
  }
  #pending: string | undefined;

  /** One refresh at a time; messages that arrive meanwhile make one more. */
  #run(type: string | undefined): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.changed(type)
      .then((said) => {
        if (said) this.said = said;
      })
      .catch(() => {})
      .finally(() => {
        this.#running = undefined;
        this.host.requestUpdate();
        if (this.#again) {
          this.#again = false;
          this.#run(undefined);
        }
      });
  }

  render(): TemplateResult {
    return html`<p class="live" role="status" data-testid="live">${this.said}</p>`;
  }
}

/** "1 new order" / "3 new orders" for the items of `after` not in `before` (by id); "" when none. */
export function newOnes<T extends { id: string }>(before: readonly T[], after: readonly T[], one: string, many: string): string {
  const seen = new Set(before.map((x) => x.id));
  const n = after.filter((x) => !seen.has(x.id)).length;
  return n === 0 ? "" : `${n} new ${n === 1 ? one : many}`;
}

/**
 * "1 order now paid" / "2 orders now refunded" for the items of both lists (by id) whose status
 * moved, grouped by their new status (`_` read as a space); "" when none did.
 */
export function nowIn<T extends { id: string; status: string }>(
  before: readonly T[],
  after: readonly T[],
  one: string,
  many: string,
): string {
  const was = new Map(before.map((x) => [x.id, x.status]));
  const moved = new Map<string, number>();
  for (const x of after) {
    const old = was.get(x.id);
    if (old !== undefined && old !== x.status) moved.set(x.status, (moved.get(x.status) ?? 0) + 1);
  }
  return [...moved].map(([status, n]) => `${n} ${n === 1 ? one : many} now ${status.replaceAll("_", " ")}`).join(", ");
}
