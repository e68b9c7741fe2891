import type { Gatherkit, PlanSubscribeHandlers, RealtimeStatus, SubscribeHandlers, Subscription } from "@gatherkit/sdk";
import type { ReactiveController, ReactiveControllerHost } from "lit";

/** Who is in the plan's room right now: one entry per person (`id` is their participant id). */
export type PresenceEntry = Parameters<NonNullable<SubscribeHandlers["onPresence"]>>[0][number];

/** What to subscribe to: a client and a plan, or nothing (not loaded yet, or no credential). */
export type LiveTarget = { client: Gatherkit; planId: string } | undefined;

/**
 * Keeps a widget subscribed to its plan's room (`gk.plans.subscribe`) while it is connected and
 * has something to show: subscribes when the target appears, resubscribes when the client or the
 * plan changes, and leaves the room when the widget is removed. Tracks presence and the
 * connection status for rendering.
 */
export class PlanLive implements ReactiveController {
  presence: readonly PresenceEntry[] = [];
  status: RealtimeStatus | undefined;
  #subscription: Subscription | undefined;
  #current: LiveTarget;
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly target: () => LiveTarget,
    private readonly handlers: PlanSubscribeHandlers,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#close();
  }

  #sync(): void {
    const next = this.#connected ? this.target() : undefined;
    if (next?.client === this.#current?.client && next?.planId === this.#current?.planId) return;
    this.#close();
    if (!next) return;
    this.#current = next;
    const handlers = this.handlers;
    this.#subscription = next.client.plans.subscribe(next.planId, {
      ...handlers,
      onPresence: (presence) => {
        this.presence = presence;
        handlers.onPresence?.(presence);
        this.host.requestUpdate();
      },
      onStatus: (status) => {
        this.status = status;
        handlers.onStatus?.(status);
        this.host.requestUpdate();
      },
      // A refused room or a failed token request: live updates stop; what is shown stays usable.
      onError: (error) => handlers.onError?.(error),
    });
  }

  /** Tells the others in the room that the viewer is typing (or stopped); dropped while not connected. */
  sendTyping(typing: boolean): void {
    this.#subscription?.sendTyping(typing);
  }

  #close(): void {
    this.#subscription?.close();
    this.#subscription = undefined;
    this.#current = undefined;
    if (this.presence.length) this.presence = [];
    this.status = undefined;
  }
}

/** Re-renders the host every `intervalMs` while connected, for countdowns ("in 5 minutes"). */
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
