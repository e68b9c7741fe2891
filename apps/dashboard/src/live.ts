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

  constructor(
    private readonly host: LitElement,
    private readonly room: () => string,
    private readonly changed: (type: string | undefined) => Promise<string | undefined>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const room = this.room();
    if (!room) return;
    this.#sub = gk.realtime.subscribe(room, (e) => this.#run(e.type), { onResync: () => this.#run(undefined) });
  }

  hostDisconnected(): void {
    this.#sub?.close();
    this.#sub = undefined;
  }

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
