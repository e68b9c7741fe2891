import type { ReactiveController, ReactiveControllerHost } from "lit";

/** Re-renders the host every `intervalMs` while connected, for countdowns ("in 5 minutes") and deadlines. */
export class Clock implements ReactiveController {
  now = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly intervalMs = 30_000,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    this.#timer = setInterval(() => {
      this.now = Date.now();
      this.host.requestUpdate();
    }, this.intervalMs);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }

  hostUpdate(): void {
    this.now = Date.now();
  }
}
