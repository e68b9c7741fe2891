import type { ReactiveController, ReactiveControllerHost } from "lit";

/** How often a pending order is checked while the buyer pays elsewhere (also on returning to the tab). */
const POLL_MS = 3000;

/** What {@link OrderPoll} asks of its widget. */
export interface OrderPollHost {
  /** The order is held and waiting for its payment (the tick runs only then). */
  paying: () => boolean;
  /** When the hold runs out (ms), or +∞ when there is no order yet. */
  expiresAt: () => number;
  /** Each second: the countdown's clock. */
  tick: (now: number) => void;
  /** Read the order now (it calls {@link OrderPoll.polled}). */
  refresh: () => void;
}

/**
 * Keeps a held order current while the buyer pays — elsewhere (a payment page in another tab) or in
 * the widget: a one-second tick for the countdown, a read of the order every few seconds while the
 * page is visible and at once when the hold runs out, and a read as soon as the buyer comes back to
 * the tab. The tick runs only while `paying()` (checked after each update) and the widget is connected.
 */
export class OrderPoll implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastPoll = 0;

  readonly #widget: OrderPollHost;

  constructor(host: ReactiveControllerHost, widget: OrderPollHost) {
    this.#widget = widget;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener("visibilitychange", this.#onReturn);
    window.addEventListener("focus", this.#onReturn);
  }

  hostDisconnected(): void {
    document.removeEventListener("visibilitychange", this.#onReturn);
    window.removeEventListener("focus", this.#onReturn);
    this.#stop();
  }

  hostUpdated(): void {
    if (this.#widget.paying()) this.#start();
    else this.#stop();
  }

  /** A read of the order starts now: the next is due `POLL_MS` from here. */
  polled(): void {
    this.#lastPoll = Date.now();
  }

  /** The buyer came back to this tab: look at their order now rather than at the next tick. */
  readonly #onReturn = () => {
    if (this.#widget.paying() && document.visibilityState === "visible") this.#widget.refresh();
  };

  #start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      const now = Date.now();
      this.#widget.tick(now);
      const expiresAt = this.#widget.expiresAt();
      // Every few seconds while the buyer pays elsewhere, and at once when the hold runs out.
      if (document.visibilityState === "visible" && (now - this.#lastPoll >= POLL_MS || now >= expiresAt)) {
        if (now < expiresAt || now - this.#lastPoll >= 1000) this.#widget.refresh();
      }
    }, 1000);
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
