import type { nothing, ReactiveController, ReactiveControllerHost, TemplateResult } from "lit";
import { type FormProblem, formProblem, renderFormProblem } from "./form-problem.js";

/** Where focus goes after an action: a selector in the host's render root, or none. */
export type FocusTarget<T> = string | ((result: T) => string | undefined) | undefined;

export interface ActionOptions<T> {
  /** Focus after success, e.g. the control that replaces the one pressed, or a heading when it went away. */
  focus?: FocusTarget<T>;
  /** Focus after a refusal (e.g. the explanation, when the control may go away). */
  focusOnError?: string;
  /** Also called with a refusal (after it is shown). */
  onError?: (error: unknown) => void;
}

interface ActionState {
  busy: boolean;
  problem?: FormProblem;
}

type Host = ReactiveControllerHost &
  HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment; errorMessage?(error: unknown): string };

/**
 * Runs a widget's actions (a button or a form that calls the API) with one protocol: while an
 * action runs it is busy (its control says `aria-disabled` and a second press does nothing);
 * when the API refuses, the refusal is kept to show next to the control ({@link problem},
 * {@link renderProblem}); afterwards focus moves where asked, so a keyboard user whose button
 * was replaced is not dropped to the page. Actions are keyed (one per proposal, per message, …);
 * `disabled()` (e.g. the viewer lost access) refuses every action.
 */
export class ActionController implements ReactiveController {
  readonly #states = new Map<string, ActionState>();
  #focus: string | undefined;
  #focusTries = 0;

  constructor(
    private readonly host: Host,
    private readonly options: { disabled?: () => boolean } = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  busy(key: string): boolean {
    return this.#states.get(key)?.busy ?? false;
  }

  /** The API's (or a local check's) refusal of the last run of `key`. */
  problem(key: string): FormProblem | undefined {
    return this.#states.get(key)?.problem;
  }

  renderProblem(key: string): TemplateResult | typeof nothing {
    return renderFormProblem(this.problem(key));
  }

  /**
   * Runs `action` as `key` unless it is already running or actions are disabled. Resolves with
   * its result, or `undefined` when it did not run or was refused.
   */
  async run<T>(key: string, action: () => Promise<T>, options: ActionOptions<T> = {}): Promise<T | undefined> {
    if (this.busy(key) || this.options.disabled?.()) return undefined;
    this.#set(key, { busy: true });
    try {
      const result = await action();
      this.#states.delete(key);
      const focus = typeof options.focus === "function" ? options.focus(result) : options.focus;
      if (focus) this.#focus = focus;
      return result;
    } catch (error) {
      this.#states.set(key, { busy: false, problem: formProblem(error, this.host.errorMessage?.(error)) });
      if (options.focusOnError) this.#focus = options.focusOnError;
      options.onError?.(error);
      return undefined;
    } finally {
      this.host.requestUpdate();
    }
  }

  /** Shows a refusal found before asking the API (a field that does not parse). */
  fail(key: string, message: string): void {
    this.#set(key, { busy: false, problem: { message, fields: [] } });
  }

  /** Forgets a refusal (the person moved on). */
  clear(key: string): void {
    if (this.#states.delete(key)) this.host.requestUpdate();
  }

  /** Moves focus to `selector` after the next render (a control that appears or replaces another). */
  focusAfterUpdate(selector: string): void {
    this.#focus = selector;
    this.#focusTries = 0;
    this.host.requestUpdate();
  }

  #set(key: string, state: ActionState): void {
    this.#states.set(key, state);
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    const selector = this.#focus;
    if (!selector) return;
    this.#focus = undefined;
    const el = this.host.renderRoot.querySelector<HTMLElement>(selector);
    if (!el) {
      // Not rendered yet (what holds it may still be loading, e.g. the event around an order that
      // came back first): wait a few more updates for it rather than dropping the focus.
      if (++this.#focusTries < 20) this.#focus = selector;
      return;
    }
    this.#focusTries = 0;
    // A heading or a message is focused to keep the person's place, not to make it a tab stop.
    if (el.tabIndex < 0 && !el.matches("button, input, a[href], textarea, select, summary")) {
      el.tabIndex = -1;
      el.addEventListener("blur", () => el.removeAttribute("tabindex"), { once: true });
    }
    el.focus();
  }
}
