import type { LitElement, ReactiveController } from "lit";
import type { StripeTarget } from "./stripe-pay.js";
import { STRIPE_PAY_STRINGS, type StripePayStrings } from "./stripe-pay.strings.js";

/**
 * What Stripe's Payment Element ({@link StripePay}) and embedded Checkout ({@link EmbeddedCheckout})
 * share as a widget's payment step: `sync(target)` (from the host's `updated`) loads @stripe/stripe-js
 * and Stripe.js on demand — only when a buyer reaches payment — and mounts Stripe's form once its
 * container (`#<container>`) is in the page; a new target (or none) destroys what was mounted; a
 * failure to load is the `failed` state with its message. Each subclass names its chunk in `mount`.
 */
export abstract class StripeMount<M extends { destroy(): void }, S extends string, O extends { scriptUrl: () => string | undefined }>
  implements ReactiveController
{
  state: S | "loading" | "ready" | "waiting" | "failed" = "loading";
  message = "";
  /** The sentences of the last render (a failure's message is worded when it happens). */
  protected s: StripePayStrings = STRIPE_PAY_STRINGS;
  protected mounted: M | undefined;
  #generation = 0;
  #target: StripeTarget | undefined;

  /** The id of the element Stripe's form is mounted in (one per widget). */
  protected abstract readonly container: string;

  constructor(
    protected readonly host: LitElement,
    /** `scriptUrl`: where Stripe.js is loaded from (the host's `stripe-js-url`), or undefined for Stripe's own. */
    protected readonly opts: O,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#reset();
  }

  /** Forgets the mounted form (a new order, the end of the step). */
  #reset(): void {
    this.#generation++;
    this.mounted?.destroy();
    this.mounted = undefined;
    this.#target = undefined;
    this.state = "loading";
    this.message = "";
  }

  /** Mounts Stripe's form for `target` once its container is in the page (call from `updated`). */
  sync(target: StripeTarget | undefined): void {
    if (this.#target?.clientSecret === target?.clientSecret) return;
    this.#reset();
    if (!target) return;
    const container = this.host.renderRoot.querySelector<HTMLElement>(`#${this.container}`);
    if (!container) return;
    this.#target = target;
    const generation = this.#generation;
    const mine = () => generation === this.#generation;
    this.mount(container, target, mine).then(
      (mounted) => {
        if (!mine()) return mounted.destroy();
        this.mounted = mounted;
        if (this.state === "loading") this.set("ready", "");
      },
      (err: unknown) => {
        if (!mine()) return;
        this.set("failed", this.s.payFailed(err instanceof Error ? err.message : String(err)));
      },
    );
  }

  /** Loads this form's chunk and mounts it in `container`; `mine()` is false once the step has moved on. */
  protected abstract mount(container: HTMLElement, target: StripeTarget, mine: () => boolean): Promise<M>;

  protected set(state: this["state"], message: string): void {
    this.state = state;
    this.message = message;
    this.host.requestUpdate();
  }
}
