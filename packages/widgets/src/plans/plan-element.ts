import type { Gatherkit, InvitePreview, JoinPlanResult, PlanViewer } from "@gatherkit/sdk";
import type { Task } from "@lit/task";
import type { PropertyValues } from "lit";
import { property } from "lit/decorators.js";
import { ConfigurationError } from "../base/errors.js";
import { GkElement } from "../base/gk-element.js";
import { JoinForm } from "./join-form.js";
import { participantIdFromToken, rememberedTokens } from "./viewer.js";

/** What a plan widget shows: the join form of an invite, or the plan. */
export type PlanView<T> = { kind: "join"; preview: InvitePreview } | { kind: "plan"; planId: string; data: T };

/**
 * What the plan widgets share on top of {@link GkElement}: the `plan`, `invite` and `remember`
 * attributes, the join form shown to a visitor who has an invite but no participant token yet,
 * and who the viewer is.
 */
export abstract class PlanElement extends GkElement {
  /** The plan's id (`plan_…`). Not needed with `invite`: the invite says which plan. */
  @property() accessor plan: string | undefined;

  /**
   * An invite code. Without a `token`, the widget shows the invite's join form (name and optional
   * email); joining gives the visitor a participant token, kept in the element's `token`. Needs
   * `publishable-key` and `api-base`.
   */
  @property() accessor invite: string | undefined;

  /**
   * Keep the participant token from joining in `localStorage` (key
   * `gatherkit:plan-token:<planId>`), so the visitor stays joined on this device and is not asked
   * again. Only on pages where you are fine with the token living in the browser's storage; a
   * token that no longer works is forgotten.
   */
  @property({ type: Boolean }) accessor remember = false;

  /** The membership the visitor got by joining here, and its token. */
  #joined: { participant: JoinPlanResult["participant"]; token: string } | undefined;
  /** The plan whose token came from storage, to forget it if the API refuses it. */
  #restoredFor: string | undefined;

  protected readonly joinForm = new JoinForm(this, {
    client: () => this.gatherkit,
    code: () => this.invite,
    onJoined: (result) => {
      this.#joined = { participant: result.participant, token: result.token };
      if (this.remember) rememberedTokens.set(result.plan.id, result.token);
      this.plan = result.plan.id;
      this.token = result.token;
    },
  });

  /** Who the API said the viewer is (`GET /v1/plans/{planId}/me`), for the token it was asked with. */
  #viewer: { token: string | undefined; viewer: PlanViewer } | undefined;

  /**
   * Asks the API who the viewer is in `planId` (their participant id, role, and whether they are
   * organization staff). When that fails the widget falls back to the token's participant id, so
   * it answers null rather than throwing.
   */
  protected async fetchViewer(gk: Gatherkit, planId: string, signal?: AbortSignal): Promise<PlanViewer | null> {
    const token = this.token;
    try {
      const viewer = await gk.plans.me(planId, { signal });
      this.#viewer = { token, viewer };
      return viewer;
    } catch {
      if (this.#viewer?.token === token) this.#viewer = undefined;
      return null;
    }
  }

  /** The API's answer about the viewer, when it is for the current token. */
  protected get viewer(): PlanViewer | undefined {
    return this.#viewer && this.#viewer.token === this.token ? this.#viewer.viewer : undefined;
  }

  /**
   * The viewer's participant id (`ptc_…`), when the widget knows it: from the API's `me`, else
   * from joining here, else from the participant token's claim.
   */
  protected get viewerId(): string | null {
    const known = this.viewer;
    if (known) return known.participantId;
    const joined = this.#joined;
    return joined && joined.token === this.token ? joined.participant.participantId : participantIdFromToken(this.token);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Before the base builds the client: a remembered token for this plan acts as `token`.
    if (this.remember && !this.token && !this.client && this.plan) this.#restore(this.plan);
    super.willUpdate(changed);
  }

  #restore(planId: string): boolean {
    const stored = rememberedTokens.get(planId);
    if (!stored) return false;
    this.#restoredFor = planId;
    this.token = stored;
    return true;
  }

  /**
   * Loads the join form (an `invite` without a `token`) or the plan through `loader`, with the
   * messages an integrator needs when the plan, or a participant token, is missing.
   */
  protected loadPlanView<T>(
    loader: (gk: Gatherkit, planId: string, signal: AbortSignal) => Promise<T>,
  ): Task<readonly unknown[], PlanView<T>> {
    return this.load(
      () => [this.plan, this.invite, this.token] as const,
      async (gk, [planId, invite, token], { signal }): Promise<PlanView<T>> => {
        const tag = `<${this.localName}>`;
        if (!token && invite) {
          const preview = await gk.invites.retrieve(invite, { signal });
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
        try {
          return { kind: "plan", planId, data: await loader(gk, planId, signal) };
        } catch (error) {
          if (this.#restoredFor === planId && (error as { status?: unknown }).status === 401) {
            // The remembered token expired or was revoked: forget it and ask to join again.
            rememberedTokens.delete(planId);
            this.#restoredFor = undefined;
            this.token = undefined;
          }
          throw error;
        }
      },
    ) as unknown as Task<readonly unknown[], PlanView<T>>;
  }
}
