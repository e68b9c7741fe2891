import type { InvitePreview, JoinPlanResult } from "@gatherkit/sdk";
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from "lit";
import { ContextConsumer, ContextProvider } from "../../base/context.js";
import { ConfigurationError } from "../../base/errors.js";
import { GkElement, type RenderTaskOptions } from "../../base/gk-element.js";
import { Strings } from "../../base/i18n.js";
import { initialState, type Task, TaskStatus } from "../../base/task.js";
import { planClient } from "./api.js";
import type { JoinForm } from "./join-form.js";
import { planContext } from "./plan-context.js";
import { type PlanListener, PlanStore } from "./plan-store.js";
import { PLAN_LOCALES, PLAN_STRINGS, type PlanStrings } from "./plans.strings.js";
import { coalesced } from "./util.js";
import { participantIdFromToken, rememberedTokens } from "./viewer.js";

/** What a plan widget shows: the join form of an invite, its own plan, or the plan of the store it was given. */
export type PlanView = { kind: "join"; preview: InvitePreview } | { kind: "plan"; store: PlanStore } | { kind: "shared" };

/** A piece of data an element loads for itself once the plan is there, and reloads quietly. */
export interface PlanPart<T> {
  task: Task<readonly unknown[], T>;
  /** Reloads without a spinner; calls made meanwhile are coalesced; failures keep what is shown. */
  refresh: () => Promise<void>;
}

/**
 * What every plan widget shares on top of {@link GkElement}: the `plan`, `invite` and `remember`
 * attributes and the invite's join form, and the plan store.
 *
 * Placed inside another plan widget (in its shadow DOM, or in the light DOM of a `<gk-plan>`),
 * an element uses that widget's store: the same plan, viewer and live subscription, and its own
 * attributes are not used. Placed alone, it makes its own store from its attributes (or `client`),
 * loads the plan and who the viewer is, opens the plan's room, and shares the store with the
 * plan widgets inside it. The owner of a store shows the notice when the viewer loses access
 * (part `notice`); every element then disables its actions.
 */
export abstract class PlanElement extends GkElement {
  static override properties: PropertyDeclarations = {
    plan: {},
    invite: {},
    remember: { type: Boolean },
    provided: { state: true, attribute: false },
    own: { state: true, attribute: false },
    strings: { attribute: false },
  };

  /** The plan widgets' shared sentences in your own words, over the locale's (see `PLAN_STRINGS`). Property only. */
  declare strings: Partial<PlanStrings>;
  readonly #planStrings = new Strings(this, PLAN_STRINGS, PLAN_LOCALES);
  /** The plan widgets' shared sentences in this element's language. */
  protected get planStrings(): PlanStrings {
    return this.#planStrings.value;
  }

  /** The plan's id (`plan_…`). Not needed with `invite`: the invite says which plan. */
  declare plan: string | undefined;

  /**
   * An invite code. Without a `token`, the widget shows the invite's join form (name and optional
   * email); joining gives the visitor a participant token, kept in the element's `token`. Needs
   * `publishable-key` and `api-base`.
   */
  declare invite: string | undefined;

  /**
   * Keep the participant token from joining in `localStorage` (key
   * `gatherkit:plan-token:<planId>`), so the visitor stays joined on this device and is not asked
   * again. Only on pages where you are fine with the token living in the browser's storage; a
   * token that no longer works is forgotten.
   */
  declare remember: boolean;

  /** Whether this element's first screen shows proposals: then its own store loads them with the plan. */
  protected showsProposals(): boolean {
    return false;
  }

  /** The store an enclosing plan widget provides (`{ store: undefined }` while it loads), or undefined when alone. */
  declare private provided: { store: PlanStore | undefined } | undefined;
  /** The store this element made, when alone. */
  declare private own: PlanStore | undefined;

  /** The membership the visitor got by joining here, and its token. */
  #joined: { participantId: string; token: string } | undefined;
  /** The plan whose token came from storage, to forget it if the API refuses it. */
  #restoredFor: string | undefined;
  /** An enclosing plan widget answered the context request made on connecting. */
  #answered = false;
  readonly #planProvider = new ContextProvider(this, planContext);
  readonly #listeners: PlanListener[] = [];
  #attached: { store: PlanStore; stop: (() => void)[] } | undefined;
  readonly #storeChanged = () => this.requestUpdate();

  /** The invite's join form, loaded with the invite (a visitor with a token never downloads it). */
  #joinForm: JoinForm | undefined;

  async #loadJoinForm(): Promise<JoinForm> {
    const { JoinForm } = await import("./join-form.js");
    this.#joinForm ??= new JoinForm(this, {
      client: () => (this.gatherkit ? planClient(this.gatherkit) : undefined),
      code: () => this.invite,
      onJoined: (result: JoinPlanResult) => {
        this.#joined = { participantId: result.participant.participantId, token: result.token };
        if (this.remember) rememberedTokens.set(result.plan.id, result.token);
        this.plan = result.plan.id;
        this.token = result.token;
      },
    });
    return this.#joinForm;
  }

  constructor() {
    super();
    this.remember = false;
    new ContextConsumer(this, planContext, (store) => {
      this.#answered = true;
      this.provided = { store };
    });
  }

  /** The store this element shows: the enclosing widget's, or its own. */
  protected get store(): PlanStore | undefined {
    return this.provided ? this.provided.store : this.own;
  }

  /** Whether this element made its store (it loads it, opens the room and shows the notice). */
  protected get ownsStore(): boolean {
    return this.provided === undefined;
  }

  /** The viewer lost access: every action is disabled. */
  protected get locked(): boolean {
    return this.store?.locked ?? false;
  }

  /** Who the viewer is until the API says: the participant they joined as here, else the token's claim. */
  #fallbackViewerId(): string | null {
    const joined = this.#joined;
    return joined && joined.token === this.token ? joined.participantId : participantIdFromToken(this.token);
  }

  /** What this element wants from the plan's room, on whichever store it shows. Call in the constructor. */
  protected listen(listener: PlanListener): void {
    this.#listeners.push(listener);
  }

  override connectedCallback(): void {
    this.#answered = false;
    // The context request goes out here; an enclosing plan widget answers at once.
    super.connectedCallback();
    // Moved out of the widget that provided its store: it is alone now.
    if (!this.#answered) this.provided = undefined;
    this.own?.open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // What it shows stays as it is (no reload when it is only moved); the room is left.
    this.own?.close();
    this.#attach(undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Before the base builds the client: a remembered token for this plan acts as `token`.
    if (this.ownsStore && this.remember && !this.token && !this.client && this.plan) this.#restore(this.plan);
    super.willUpdate(changed);
    if (this.isConnected) this.#attach(this.store);
    this.#planProvider.setValue(this.store);
  }

  #attach(store: PlanStore | undefined): void {
    if (this.#attached?.store === store) return;
    if (this.#attached) {
      this.#attached.store.removeEventListener("change", this.#storeChanged);
      for (const stop of this.#attached.stop) stop();
    }
    this.#attached = undefined;
    if (!store) return;
    store.addEventListener("change", this.#storeChanged);
    this.#attached = { store, stop: this.#listeners.map((l) => store.listen(l)) };
  }

  #restore(planId: string): boolean {
    const stored = rememberedTokens.get(planId);
    if (!stored) return false;
    this.#restoredFor = planId;
    this.token = stored;
    return true;
  }

  #setOwn(store: PlanStore | undefined): void {
    if (this.own && this.own !== store) this.own.close();
    this.own = store;
  }

  /**
   * Alone: the join form (an `invite` without a `token`), or the plan loaded into a store of its
   * own, with the messages an integrator needs when the plan, or a participant token, is missing.
   */
  protected readonly planView: Task<readonly unknown[], PlanView> = this.load(
    () => [this.provided !== undefined, this.plan, this.invite, this.token] as const,
    async (gk, [shared, planId, invite, token], { signal }): Promise<PlanView> => {
      if (shared) {
        this.#setOwn(undefined);
        return { kind: "shared" };
      }
      const tag = `<${this.localName}>`;
      if (!token && invite) {
        this.#setOwn(undefined);
        const [preview] = await Promise.all([planClient(gk).invites.retrieve(invite, { signal }), this.#loadJoinForm()]);
        // Someone who joined on this device before goes straight to the plan.
        if (this.remember && !this.client && this.#restore(preview.plan.id)) this.plan = preview.plan.id;
        return { kind: "join", preview };
      }
      if (!planId) {
        throw new ConfigurationError(`${tag} needs a plan attribute (the plan's id, plan_…) or an invite attribute.`);
      }
      if (!token && !this.client && this.publishableKey) {
        throw new ConfigurationError(
          `${tag} shows a plan to its participants, so it needs a participant token: set the token attribute to one your server mints with POST /v1/participant-tokens, or set the invite attribute so visitors can join with an invite code.`,
        );
      }
      const current = this.own;
      const api = planClient(gk);
      const store =
        current && current.client === api && current.planId === planId && !current.locked ? current : new PlanStore(api, planId);
      this.#setOwn(store);
      try {
        await store.load({ signal, fallbackId: this.#fallbackViewerId(), proposals: this.showsProposals() });
      } catch (error) {
        if (this.#restoredFor === planId && (error as { status?: unknown }).status === 401) {
          // The remembered token expired or was revoked: forget it and ask to join again.
          rememberedTokens.delete(planId);
          this.#restoredFor = undefined;
          this.token = undefined;
        }
        throw error;
      }
      if (this.isConnected && this.own === store) store.open();
      return { kind: "plan", store };
    },
  );

  /**
   * Data this element loads for itself once the plan is there (`fetch`, then `apply` to its
   * state), and again quietly with `refresh` (after live news). This is the one "reload, keep
   * what is shown if it fails" the plan widgets have.
   */
  protected loadPart<T>(fetch: (store: PlanStore, signal?: AbortSignal) => Promise<T>, apply?: (value: T) => void): PlanPart<T> {
    const task = this.load(
      () => [this.store, this.store?.ready ?? false] as const,
      async (_gk, [store, ready], { signal }) => {
        if (!store || !ready) return initialState as unknown as T;
        const value = await fetch(store, signal);
        apply?.(value);
        return value;
      },
    );
    const refresh = coalesced(async () => {
      const store = this.store;
      if (!store?.ready) return;
      try {
        const value = await fetch(store);
        if (store === this.store) apply?.(value);
      } catch {
        // Keep showing what we have; the next event or load tries again.
      }
    });
    return { task: task as unknown as Task<readonly unknown[], T>, refresh };
  }

  /**
   * Renders the element: alone, its join form or the plan's loading and error views first; then
   * `part` with its loading, empty and error views, under the revoked notice when this element
   * owns the store.
   */
  protected renderPlan<T>(part: PlanPart<T>, options: RenderTaskOptions<T>): TemplateResult {
    const view = this.planView;
    if (this.ownsStore && (view.value?.kind !== "plan" || view.status !== TaskStatus.COMPLETE)) {
      return this.renderTask(view, {
        messages: options.messages,
        isEmpty: () => false,
        complete: (v) => (v.kind === "join" ? this.#joinForm?.render(v.preview) : html``),
      });
    }
    return html`${this.renderNotice()}${this.renderTask(part.task, options)}`;
  }

  /** "You are no longer in this plan", when this element owns the store and the viewer lost access. */
  protected renderNotice(): TemplateResult | typeof nothing {
    return this.ownsStore && this.store?.locked ? html`<p part="notice" role="alert">${this.planStrings.revoked}</p>` : nothing;
  }
}
