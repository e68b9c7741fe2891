import type { GatherkitClient } from "@gatherkit/sdk";
import type { ReactiveController, ReactiveControllerHost } from "lit";

/**
 * Sharing a value with the elements inside a widget (its light or shadow DOM), with the community
 * context protocol (`context-request` / `context-provider` events) that `@lit/context` speaks, so
 * widgets from separately loaded scripts, or other libraries' elements, still find each other.
 * The provider and consumer below are what the widgets use of `@lit/context`, in a fraction of its
 * bytes: subscriptions, and re-parenting when a provider appears between a consumer and the one
 * that served it.
 */

/** A context key: a global symbol, so separately loaded scripts agree on it. */
export type Context<T> = symbol & { __context__: T };

type Callback<T> = (value: T | undefined, unsubscribe?: () => void) => void;
type Host = ReactiveControllerHost & HTMLElement;

interface RequestEvent<T> extends Event {
  context: Context<T>;
  contextTarget: Element;
  callback: Callback<T>;
  subscribe: boolean;
}

const event = (type: string, fields: object) => Object.assign(new Event(type, { bubbles: true, composed: true }), fields);
const request = <T>(context: Context<T>, contextTarget: Element, callback: Callback<T>) =>
  event("context-request", { context, contextTarget, callback, subscribe: true });

/** Answers the context requests of the elements inside `host` with a value that may change. */
export class ContextProvider<T> implements ReactiveController {
  #value: T | undefined;
  readonly #subscribers = new Map<Callback<T>, { unsubscribe: () => void; consumer: Element }>();

  constructor(
    private readonly host: Host,
    private readonly context: Context<T>,
  ) {
    host.addEventListener("context-request", (e) => {
      const ev = e as RequestEvent<T>;
      const consumer = ev.contextTarget ?? ev.composedPath()[0];
      if (ev.context !== context || consumer === host) return;
      ev.stopPropagation();
      if (!ev.subscribe) return ev.callback(this.#value);
      let sub = this.#subscribers.get(ev.callback);
      if (!sub) {
        sub = { unsubscribe: () => this.#subscribers.delete(ev.callback), consumer };
        this.#subscribers.set(ev.callback, sub);
      }
      ev.callback(this.#value, sub.unsubscribe);
    });
    // A provider appeared inside this one: the consumers it now stands between ask again.
    host.addEventListener("context-provider", (e) => {
      const ev = e as RequestEvent<T>;
      const child = ev.contextTarget ?? ev.composedPath()[0];
      if (ev.context !== context || child === host) return;
      for (const [callback, { consumer }] of [...this.#subscribers]) consumer.dispatchEvent(request(context, consumer, callback));
      ev.stopPropagation();
    });
    host.addController(this);
  }

  hostConnected(): void {
    this.host.dispatchEvent(event("context-provider", { context: this.context, contextTarget: this.host }));
  }

  setValue(value: T | undefined): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const [callback, { unsubscribe }] of [...this.#subscribers]) callback(value, unsubscribe);
  }
}

/** Asks the nearest provider of `context` above `host` for its value, on connecting, and follows it. */
export class ContextConsumer<T> implements ReactiveController {
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: Host,
    private readonly context: Context<T>,
    private readonly callback: (value: T | undefined) => void,
  ) {
    host.addController(this);
  }

  readonly #receive: Callback<T> = (value, unsubscribe) => {
    // Answered by another provider than before (one appeared in between): leave the old one.
    if (this.#unsubscribe && this.#unsubscribe !== unsubscribe) this.#unsubscribe();
    this.#unsubscribe = unsubscribe;
    this.host.requestUpdate();
    this.callback(value);
  };

  hostConnected(): void {
    this.host.dispatchEvent(request(this.context, this.host, this.#receive));
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}

/**
 * The Gatherkit client a widget shares with the widgets inside it (in its light or shadow DOM).
 * The key is a global symbol so widgets from separately loaded scripts still find each other.
 */
export const gatherkitContext = Symbol.for("@gatherkit/widgets:client") as Context<GatherkitClient>;
