import { GatherkitClient } from "@gatherkit/sdk";
import {
  type CSSResultGroup,
  css,
  html,
  LitElement,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from "lit";
import { BASE_LOCALES, BASE_STRINGS, type BaseStrings } from "./base.strings.js";
import { ContextConsumer, ContextProvider, gatherkitContext } from "./context.js";
import { ConfigurationError, type DescribedError, describeError } from "./errors.js";
import { emit } from "./events.js";
import { gkElementStyles } from "./gk-element.styles.js";
import { isRtl, resolveLocale, Strings } from "./i18n.js";
import { Task, TaskStatus } from "./task.js";
import { theme } from "./theme.js";

/** The sentences a widget's state views show and announce; each widget may override them. */
export interface StateMessages {
  /** Label of the spinner, announced politely when loading starts. */
  loading: string;
  /** Shown (unless the `empty` slot has content) and announced when there is nothing to show. */
  empty: string;
  /** Announced politely when content has loaded; empty to announce nothing. */
  loaded: string;
  /** Text of the button that loads again after an error. */
  retry: string;
}

export interface RenderTaskOptions<T> {
  /** Renders the loaded value (only called when it is not empty). */
  complete: (value: T) => unknown;
  /**
   * Whether the value counts as empty. By default `null`/`undefined`, an empty array, and a
   * page of a list (`{ data: [] }`) are empty.
   */
  isEmpty?: (value: T) => boolean;
  /** This widget's wording for this view; the element's {@link GkElement.messages} still win. */
  messages?: Partial<StateMessages>;
}

/** The task function of {@link GkElement.load}: the client, your args and the abort signal. */
export type Loader<A extends readonly unknown[], T> = (
  client: GatherkitClient,
  args: A,
  options: { signal: AbortSignal },
) => PromiseLike<T>;

function isEmptyValue(value: unknown): boolean {
  if (value == null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && "data" in value && Array.isArray(value.data)) return value.data.length === 0;
  return false;
}

/**
 * The base every Gatherkit widget extends. It turns the `publishable-key`, `token` and `api-base`
 * attributes (or a `client` property, or a client provided by an enclosing widget) into one
 * Gatherkit SDK client, shares that client with the widgets inside it, loads data with
 * {@link GkElement.load}, and renders loading, empty and error states with
 * {@link GkElement.renderTask}, announcing them to screen readers.
 *
 * @summary Base class of Gatherkit widgets: configuration, SDK client, loading/empty/error states.
 *
 * @slot empty - Replaces the default "Nothing here yet." message when there is nothing to show.
 *
 * @event {CustomEvent<GkErrorDetail>} gk-error - Loading failed; `detail` has the message shown, the API's `code`, `status` and `requestId`.
 *
 * @csspart body - The wrapper around whatever state is shown; paints the surface.
 * @csspart loading - The loading view (a spinner).
 * @csspart empty - The view shown when there is nothing to show.
 * @csspart error - The error view: a message, and a Retry button unless the widget is misconfigured.
 * @csspart retry-button - The button that loads again after an error.
 *
 * @cssproperty --gk-color-surface - Background of the widget.
 * @cssproperty --gk-color-text - Main text colour.
 * @cssproperty --gk-color-muted - Secondary text colour (also the empty message).
 * @cssproperty --gk-color-accent - Buttons and highlights.
 * @cssproperty --gk-color-accent-contrast - Text on the accent colour.
 * @cssproperty --gk-color-danger - Error text.
 * @cssproperty --gk-color-border - Borders and dividers.
 * @cssproperty --gk-color-focus - Keyboard focus ring.
 * @cssproperty --gk-radius - Corner radius.
 * @cssproperty --gk-space-xs - Extra small spacing (also s, m, l, xl).
 * @cssproperty --gk-font-family - Font family.
 * @cssproperty --gk-font-size-m - Body text size (also s and l).
 */
export class GkElement extends LitElement {
  static override styles: CSSResultGroup = [theme, gkElementStyles, css`:host { display: block; }`];
  // Declared here rather than with decorators: their compiled helpers would weigh on every widget.
  static override properties: PropertyDeclarations = {
    publishableKey: { attribute: "publishable-key" },
    token: {},
    apiBase: { attribute: "api-base" },
    client: { attribute: false },
    messages: { attribute: false },
    locale: {},
    colorScheme: { attribute: "color-scheme", reflect: true },
  };

  /**
   * `light` or `dark` to fix the widget's colours whatever the visitor's system says (a light page
   * on a dark system keeps light widgets); `auto` (or none) follows the system
   * (`prefers-color-scheme`). Your `--gk-*` colour tokens apply in either; give them as
   * `light-dark(…, …)` to have both.
   */
  declare colorScheme: "light" | "dark" | "auto" | undefined;

  /**
   * The language to speak, as a BCP 47 tag (`de`, `fr-CA`). Without it, the nearest `lang`
   * attribute on the widget or an ancestor (up to `<html lang>`), then the browser's language,
   * then English. Tables other than English load on demand.
   */
  declare locale: string | undefined;

  /** A publishable key (`gk_pk_…`), safe in a page; it only works from the key's allowed origins. */
  declare publishableKey: string | undefined;

  /**
   * A participant token (`gk_pt_…`) your server minted for the person viewing the page. When
   * both are set, the token is used rather than the publishable key.
   */
  declare token: string | undefined;

  /** The address of the Gatherkit API, e.g. `https://api.example.com`. */
  declare apiBase: string | undefined;

  /**
   * A Gatherkit client to use instead of building one from the attributes, e.g. one your page
   * already has. Property only.
   */
  declare client: GatherkitClient | undefined;

  /**
   * Sentences of the state views, to translate them: `el.messages = { retry: "Réessayer" }`.
   * They win over the widget's own wording. Property only.
   */
  declare messages: Partial<StateMessages>;

  /** The client in use, or why there is none although the attributes ask for one. */
  #gatherkit: GatherkitClient | ConfigurationError | undefined;
  #built: { publishableKey?: string; token?: string; apiBase?: string; client: GatherkitClient | ConfigurationError } | undefined;
  #inherited: GatherkitClient | undefined;
  /** An enclosing widget answered the context request made on connecting. (Kept while detached, so
   * a widget that updates while taken out of the page, or is only moved, does not lose its client.) */
  #answered = false;
  #provider = new ContextProvider(this, gatherkitContext);
  /** The task whose Retry button had focus; focus follows it until it settles. */
  #refocus: Task<readonly unknown[], unknown> | undefined;
  #locale: string | undefined;
  /** The `dir` this widget set on itself (for a right-to-left locale the page did not mark). */
  #dir: string | undefined;
  readonly #base: Strings<BaseStrings>;

  constructor() {
    super();
    this.messages = {};
    // First controller: every update (and the widgets' string tables) sees the locale of now.
    this.addController({ hostConnected: () => this.#relocate(), hostUpdate: () => this.#relocate() });
    this.#base = new Strings(this, BASE_STRINGS, BASE_LOCALES, () => undefined);
    new ContextConsumer(this, gatherkitContext, (client) => {
      this.#answered = true;
      this.#inherited = client;
      this.#resolveClient();
    });
  }

  /**
   * The locale this widget speaks (see `locale`): a canonical tag `Intl` supports, for its string
   * tables and for formatting numbers, money and dates.
   */
  get resolvedLocale(): string {
    this.#locale ??= resolveLocale(this, this.locale);
    return this.#locale;
  }

  #relocate(): void {
    this.#locale = resolveLocale(this, this.locale);
    // A right-to-left locale the page did not lay out right to left: this widget is.
    const rtl = isRtl(this.#locale);
    if (rtl && !this.hasAttribute("dir")) {
      this.#dir = "rtl";
      this.setAttribute("dir", "rtl");
    } else if (!rtl && this.#dir && this.getAttribute("dir") === this.#dir) {
      this.removeAttribute("dir");
      this.#dir = undefined;
    }
  }

  /** What a failure is called in this widget's language (the `gk-error` event keeps the API's English `detail`). */
  errorMessage(error: unknown): string {
    return localizeError(describeError(error), error, this.#base.value, this.#base.value !== BASE_STRINGS);
  }

  /**
   * The client this widget uses: the `client` property, else one built from the attributes,
   * else the one an enclosing widget provides.
   */
  protected get gatherkit(): GatherkitClient | undefined {
    return this.#gatherkit instanceof ConfigurationError ? undefined : this.#gatherkit;
  }

  override connectedCallback(): void {
    this.#answered = false;
    // The context request goes out here; an enclosing widget answers at once.
    super.connectedCallback();
    // Moved out of the widget whose client it used: it has none of its own now.
    if (!this.#answered) this.#inherited = undefined;
    // Attributes are already set here: provide the client before descendants ask for it.
    this.#resolveClient();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#resolveClient();
  }

  #resolveClient(): void {
    let next: GatherkitClient | ConfigurationError | undefined;
    if (this.client) {
      next = this.client;
    } else if (this.publishableKey || this.token || this.apiBase) {
      const config = { publishableKey: this.publishableKey, token: this.token, apiBase: this.apiBase };
      let b = this.#built;
      if (!b || b.publishableKey !== config.publishableKey || b.token !== config.token || b.apiBase !== config.apiBase) {
        b = this.#built = { ...config, client: this.#createClient() };
      }
      next = b.client;
    } else {
      next = this.#inherited;
    }
    if (next === this.#gatherkit) return;
    this.#gatherkit = next;
    this.#provider.setValue(next instanceof ConfigurationError ? undefined : next);
    this.requestUpdate();
  }

  #createClient(): GatherkitClient | ConfigurationError {
    const tag = `<${this.localName}>`;
    if (!this.apiBase) {
      return new ConfigurationError(`${tag} needs an api-base attribute: the address of your Gatherkit API.`);
    }
    if (!this.publishableKey && !this.token) {
      return new ConfigurationError(`${tag} needs a publishable-key or token attribute.`);
    }
    try {
      // A participant token identifies the person, so it wins over the page's publishable key.
      return new GatherkitClient({
        baseUrl: this.apiBase,
        ...(this.token ? { token: this.token } : { publishableKey: this.publishableKey }),
      });
    } catch (error) {
      // The SDK explains bad configuration (a secret key, a malformed URL) in words for developers.
      return new ConfigurationError(`${tag}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A {@link Task} that calls `loader` with this widget's client, runs when the client or
   * `args()` change, is aborted when superseded, and emits `gk-error` when it fails. Without a
   * client it fails with a {@link ConfigurationError} telling the integrator what to set.
   *
   * ```ts
   * #plan = this.load(() => [this.plan] as const, (gk, [id], { signal }) => gk.plans.retrieve(id, { signal }));
   * ```
   */
  protected load<const A extends readonly unknown[], T>(
    args: () => A,
    loader: Loader<A, T>,
  ): Task<readonly [GatherkitClient | ConfigurationError | undefined, ...A], T> {
    return new Task(this, {
      args: () => [this.#gatherkit, ...args()] as const,
      task: async ([client, ...rest], { signal }) => {
        if (client instanceof ConfigurationError) throw client;
        if (!client) {
          throw new ConfigurationError(
            `<${this.localName}> needs a publishable-key or token attribute, a client property, or an enclosing Gatherkit widget that has one.`,
          );
        }
        return await loader(client, rest as unknown as A, { signal });
      },
      onError: (error) => {
        const described = describeError(error);
        emit(this, "gk-error", { ...described, error });
      },
    });
  }

  /**
   * Renders `task`: a spinner while it runs, an empty view, an error with a Retry button, or
   * `options.complete(value)`. State changes are announced through a polite live region
   * (errors through an assertive one), and focus is kept when Retry is pressed.
   */
  protected renderTask<T>(task: Task<readonly unknown[], T>, options: RenderTaskOptions<T>): TemplateResult {
    const b = this.#base.value;
    const m: StateMessages = { loading: b.loading, empty: b.empty, loaded: "", retry: b.retry, ...options.messages, ...this.messages };
    const status = task.status;
    const busy = status === TaskStatus.INITIAL || status === TaskStatus.PENDING;
    let view: unknown;
    let polite = "";
    let assertive = "";
    if (busy) {
      view = html`<div part="loading"><span class="spinner" role="progressbar" aria-label=${m.loading}></span></div>`;
      polite = m.loading;
    } else if (status === TaskStatus.ERROR) {
      const message = this.errorMessage(task.error);
      // Trying again cannot fix a missing or wrong attribute: only failures of a request get Retry.
      const retry =
        task.error instanceof ConfigurationError
          ? nothing
          : html`<button part="retry-button" type="button" @click=${(e: Event) => this.#retry(task, e)}>${m.retry}</button>`;
      view = html`<div part="error"><p>${message}</p>${retry}</div>`;
      assertive = message;
    } else if ((options.isEmpty ?? isEmptyValue)(task.value as T)) {
      view = html`<div part="empty"><slot name="empty">${m.empty}</slot></div>`;
      polite = this.querySelector(':scope > [slot="empty"]')?.textContent?.trim() || m.empty;
    } else {
      view = options.complete(task.value as T);
      polite = m.loaded;
    }
    return html`<div part="body" aria-busy=${busy ? "true" : "false"}>${view}</div>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${polite}</div>
      <div class="visually-hidden" role="alert" aria-live="assertive" aria-atomic="true">${assertive}</div>`;
  }

  #retry(task: Task<readonly unknown[], unknown>, event: Event): void {
    if (this.renderRoot instanceof ShadowRoot && this.renderRoot.activeElement === event.currentTarget) {
      this.#refocus = task;
    }
    void task.run();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const task = this.#refocus;
    if (!task) return;
    if (task.status !== TaskStatus.PENDING) this.#refocus = undefined;
    // Only while focus is still ours (or was dropped to <body> with the vanished button): a
    // person who has moved on keeps their focus.
    const active = document.activeElement;
    if (active !== this && active !== document.body && active !== null) {
      this.#refocus = undefined;
      return;
    }
    // Back on Retry if the new attempt failed too, else on the widget's body.
    const root = this.renderRoot as ShadowRoot;
    const retry = root.querySelector<HTMLElement>('[part~="retry-button"]');
    const target = retry ?? root.querySelector<HTMLElement>('[part~="body"]');
    if (!target || root.activeElement === target) return;
    if (target !== retry) {
      target.tabIndex = -1;
      target.addEventListener("blur", () => target.removeAttribute("tabindex"), { once: true });
    }
    target.focus();
  }
}

/**
 * A failure's sentence in a table's language: English keeps the API's `detail`; another language
 * says what the `code` means when its table knows it, else a sentence by the kind of failure.
 */
function localizeError(d: DescribedError, error: unknown, s: BaseStrings, translated: boolean): string {
  if (!translated || error instanceof ConfigurationError) return d.message;
  if (d.code && s.codes[d.code]) return s.codes[d.code] as string;
  if (d.status === undefined && error instanceof Error && error.name.startsWith("APIConnection")) return s.connection;
  return d.status !== undefined && d.status >= 500 ? s.unavailable : s.generic;
}
