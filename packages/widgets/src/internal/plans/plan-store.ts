import type {
  Plan,
  PlanEvent,
  PlanEventData,
  PlanEventHandlers,
  PlanParticipant,
  PlanRole,
  PlanViewer,
  RealtimeStatus,
  SubscribeHandlers,
  Subscription,
} from "@gatherkit/sdk";
import type { PlanClient } from "./api.js";
import { coalesced, collect } from "./util.js";
import { ProposalVotes } from "./vote-control.js";

/** Who is in the plan's room right now: one entry per person (`id` is their participant id). */
export type PresenceEntry = Parameters<NonNullable<SubscribeHandlers["onPresence"]>>[0][number];

/** What an element wants from the plan's room besides what the store keeps itself. */
export type PlanListener = PlanEventHandlers & Pick<SubscribeHandlers, "onTyping" | "onResync">;

/**
 * One plan as the widgets on a page share it: the client, the plan, who the viewer is
 * (`GET /v1/plans/{planId}/me`), the proposals and their votes and the people (each loaded the
 * first time an element asks), and ONE subscription to the plan's room, whose news it applies
 * to what it keeps and passes on to the elements listening ({@link listen}). Elements find it
 * through `planContext`; the element that made it (`owner`) loads it and opens the room.
 *
 * Fires `change` whenever anything it keeps changes. When the room says the viewer lost access,
 * {@link revoked} holds its message, the subscription is over for good, and elements disable
 * their actions.
 */
export class PlanStore extends EventTarget {
  plan: Plan | undefined;
  presence: readonly PresenceEntry[] = [];
  status: RealtimeStatus | undefined;
  /** Set when the room disconnected the viewer for good (removed from the plan). */
  revoked: string | undefined;
  /** When the REST load began (`Date.now()`), for the room to tell whether something changed meanwhile. */
  since = 0;

  readonly votes: ProposalVotes;
  /** The API's answer about the viewer; null when it failed (then `#fallbackId` says who they are). */
  #me: PlanViewer | null = null;
  #fallbackId: string | null = null;
  #participants: PlanParticipant[] | undefined;
  #loading = new Map<"proposals" | "participants", Promise<void>>();
  #proposalsLoaded = false;
  readonly #listeners = new Set<PlanListener>();
  #subscription: Subscription | undefined;

  constructor(
    readonly client: PlanClient,
    readonly planId: string,
  ) {
    super();
    this.votes = new ProposalVotes({
      client: () => this.client,
      planId: () => this.planId,
      viewerId: () => this.viewerId,
      onChange: () => this.#changed(),
    });
  }

  /** The plan is loaded: elements can show it. */
  get ready(): boolean {
    return this.plan !== undefined;
  }

  /** The viewer lost access: nothing can be done any more. */
  get locked(): boolean {
    return this.revoked !== undefined;
  }

  /** The viewer's participant id (`ptc_…`): from the API, else from joining or the participant token. */
  get viewerId(): string | null {
    return this.#me ? this.#me.participantId : this.#fallbackId;
  }

  /** The viewer's role: organization staff organize every plan; null when they are not (or no longer) in it. */
  get role(): PlanRole | null {
    if (this.#me?.staff) return "organizer";
    if (this.#me) return this.#me.role;
    const id = this.#fallbackId;
    return this.#participants?.find((p) => p.participantId === id && p.removedAt === null)?.role ?? null;
  }

  /** Everyone who is or was in the plan (people who left are still named in balances), once loaded. */
  get participants(): readonly PlanParticipant[] | undefined {
    return this.#participants;
  }

  /** A person's name as the viewer reads it: `you` for themself, "Someone" when unknown. */
  name(participantId: string, you = "You"): string {
    if (participantId === this.viewerId) return you;
    return this.#participants?.find((p) => p.participantId === participantId)?.name ?? "Someone";
  }

  /**
   * The owner's load: the plan and who the viewer is, and with `proposals` the proposals too (what
   * a first screen shows), all at once. When the API cannot say who the viewer is, `fallbackId`
   * (from joining or the token) is used and the people are loaded to find their role.
   */
  async load(options: { signal?: AbortSignal; fallbackId: string | null; proposals: boolean }): Promise<void> {
    const { signal } = options;
    this.since = Date.now();
    const [plan, me] = await Promise.all([
      this.client.plans.retrieve(this.planId, { signal }),
      this.client.plans.me(this.planId, { signal }).catch(() => null),
      options.proposals ? this.#loadProposals(signal) : undefined,
    ]);
    this.#me = me;
    this.#fallbackId = options.fallbackId;
    if (!me && options.fallbackId) await this.#loadParticipants(signal);
    this.plan = plan;
    this.#changed();
  }

  /** Loads the proposals unless they are loaded or loading (one request for every element that asks). */
  ensureProposals(): Promise<void> {
    return this.#proposalsLoaded ? Promise.resolve() : this.#once("proposals", () => this.#loadProposals());
  }

  /** Loads the people unless they are loaded or loading. */
  ensureParticipants(): Promise<void> {
    return this.#participants ? Promise.resolve() : this.#once("participants", () => this.#loadParticipants());
  }

  #once(key: "proposals" | "participants", load: () => Promise<void>): Promise<void> {
    let p = this.#loading.get(key);
    if (!p) {
      p = load().finally(() => this.#loading.delete(key));
      this.#loading.set(key, p);
    }
    return p;
  }

  async #loadProposals(signal?: AbortSignal): Promise<void> {
    this.votes.reset(await collect(this.client.plans.proposals.list(this.planId, { limit: 100 }, { signal })));
    this.#proposalsLoaded = true;
  }

  async #loadParticipants(signal?: AbortSignal): Promise<void> {
    this.#participants = await collect(this.client.plans.participants.list(this.planId, { limit: 100, includeRemoved: true }, { signal }));
    this.#changed();
  }

  /** Reloads the plan, the viewer and what elements asked for, quietly (after missed messages, or finalizing). */
  readonly refresh = coalesced(async () => {
    try {
      const [plan, me] = await Promise.all([
        this.client.plans.retrieve(this.planId),
        this.client.plans.me(this.planId).catch(() => this.#me),
        this.#proposalsLoaded ? this.#loadProposals() : undefined,
        this.#participants ? this.#loadParticipants() : undefined,
      ]);
      this.plan = plan;
      this.#me = me;
      this.#changed();
    } catch {
      // Keep showing what we have; the next event or load tries again.
    }
  });

  /** A plan the API returned after an action (finalizing). */
  setPlan(plan: Plan): void {
    this.plan = plan;
    this.#changed();
  }

  /** A person the API returned after an action (a role change), or changed in the room. */
  setParticipant(change: PlanEventData<"plan.participant_changed">): void {
    const now = new Date().toISOString();
    const list = this.#participants;
    if (list) {
      const current = list.find((p) => p.participantId === change.participantId);
      this.#participants = current
        ? list.map((p) =>
            p === current ? { ...p, name: change.name, role: change.role, removedAt: change.removed ? (p.removedAt ?? now) : null } : p,
          )
        : [
            ...list,
            {
              id: `pp_${change.participantId}`,
              planId: change.planId,
              participantId: change.participantId,
              name: change.name,
              email: null,
              role: change.role,
              joinedAt: now,
              removedAt: change.removed ? now : null,
            },
          ];
    }
    const me = this.#me;
    if (me && me.participantId === change.participantId) this.#me = { ...me, role: change.removed ? null : change.role };
    this.#changed();
  }

  /** Adds what an element wants from the room; returns how to stop. */
  listen(listener: PlanListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Opens the room (once loaded; the owner calls it while it is connected). */
  open(): void {
    if (this.#subscription || this.locked || !this.ready) return;
    this.votes.attach();
    this.#subscription = this.client.plans.subscribe(this.planId, {
      since: this.since,
      onEvent: (event, meta) => {
        this.#apply(event);
        for (const l of this.#listeners) (l[event.type] as ((data: unknown, m: typeof meta) => void) | undefined)?.(event.data, meta);
      },
      onPresence: (presence) => {
        this.presence = presence;
        this.#changed();
      },
      onStatus: (status) => {
        this.status = status;
        this.#changed();
      },
      onTyping: (who) => {
        for (const l of this.#listeners) l.onTyping?.(who);
      },
      onResync: () => {
        void this.refresh();
        for (const l of this.#listeners) l.onResync?.();
      },
      onRevoked: ({ message }) => {
        // Final: the SDK closed it already; closing again is harmless and frees it for sure.
        this.#subscription?.close();
        this.#subscription = undefined;
        this.votes.detach();
        this.revoked = message || "You are no longer in this plan.";
        this.presence = [];
        this.#changed();
      },
      // A refused room or a failed token request: live updates stop; what is shown stays usable.
      onError: () => {},
    });
  }

  /** Leaves the room (the owner was removed from the page, or replaced this store). */
  close(): void {
    this.#subscription?.close();
    this.#subscription = undefined;
    this.votes.detach();
    this.presence = [];
    this.status = undefined;
  }

  /** Tells the others in the room that the viewer is typing (or stopped); dropped while not connected. */
  sendTyping(typing: boolean): void {
    this.#subscription?.sendTyping(typing);
  }

  #apply(event: PlanEvent): void {
    switch (event.type) {
      case "plan.updated":
        // Broadcasts carry no secret, so their plan has no feed URL: keep the one fetched for this viewer.
        this.setPlan({ ...event.data.plan, calendarUrl: event.data.plan.calendarUrl ?? this.plan?.calendarUrl ?? null });
        return;
      case "plan.tally_changed":
        this.votes.applyTally(event.data.tally);
        return;
      case "plan.proposal_changed":
        this.votes.upsert(event.data.proposal);
        return;
      case "plan.finalized":
        void this.refresh();
        return;
      case "plan.participant_changed":
        this.setParticipant(event.data);
        return;
    }
  }

  #changed(): void {
    this.dispatchEvent(new Event("change"));
  }
}
