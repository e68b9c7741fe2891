import type { PublishedEvent, RoomKind } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type Stripe from "stripe";
import type { z } from "zod";
import type { NotificationResolver } from "../platform/notifications/index.js";
import { DeliveryError, deliverSoon, orderKeyOf, type TaskPayload, task } from "./outbox.js";
import type { AppBindings, Caller, Deps, DomainTasks } from "./types.js";

/**
 * A domain's reactions to what other domains publish. `on` answers the tasks an event causes
 * (read-only: it may query, it must not write); they are queued in the outbox once per published
 * row and each is handed to `run` with the outbox's retries, in order per task key. `run` throws
 * to be retried later (a DeliveryError with `permanent` to give up).
 */
export interface DomainTaskHandlers {
  on(deps: Deps, published: { room: string; event: PublishedEvent; orgId: string | null }): Promise<Omit<TaskPayload, "domain">[]>;
  run(deps: Deps, task: TaskPayload): Promise<void>;
}

/**
 * Decides whether `caller` may join the room of the object `objectId`. Throws the ApiError to
 * answer: 404 when the object does not exist for the caller (including another organization's
 * object), 403 when it exists but the caller's role or kind may not watch it.
 */
export type RoomAccessCheck = (deps: Deps, caller: Caller, objectId: string) => Promise<void>;

/**
 * A domain's handling of the payments provider's events about what it sells (those whose object's
 * `metadata.domain` names it), after the webhook verified them. It records each event it applies
 * (platform/payments' `recordPaymentEvent`, in the same batch) so a duplicate changes nothing.
 */
export type PaymentEventHandler = (deps: Deps, event: Stripe.Event) => Promise<void>;

/** What a domain's `index.ts` exports: its whole public surface for the app. */
export interface DomainModule {
  name: string;
  /** One chained router with every route of the domain, mounted by the app. */
  router: OpenAPIHono<AppBindings>;
  /** Who may join the domain's rooms, per room kind it owns. */
  rooms: Partial<Record<RoomKind, RoomAccessCheck>>;
  /** The error codes the domain answers with (its part of ERROR_CODES in @gatherkit/core). */
  errors: readonly string[];
  /** Its handler of payments-provider events, if it takes payments. */
  payments?: PaymentEventHandler;
  /** Its reactions to other domains' published events, if any. */
  tasks?: DomainTaskHandlers;
  /** Per notification kind it sends: who gets one now, or null when it no longer holds (checked at send time). */
  notifications?: Record<string, NotificationResolver>;
  /** The schemas of the messages the domain publishes to its rooms. */
  messages: readonly z.ZodType[];
}

/** `Deps.tasks` from the domains' `tasks` handlers (createApp builds it). */
export function domainTasks(deps: Deps, domains: readonly DomainModule[]): DomainTasks {
  const handlers = domains.flatMap((d) => (d.tasks ? [{ name: d.name, tasks: d.tasks }] : []));
  return {
    async onPublished(published) {
      const rows = [];
      for (const h of handlers) {
        const tasks = await h.tasks.on(deps, published);
        for (const [i, t] of tasks.entries()) {
          const message = task({ ...t, domain: h.name });
          // One id per published row, domain and task: a publish delivered twice queues nothing twice.
          rows.push({
            id: `${published.outboxId}.${h.name}.${i}`,
            orgId: published.orgId,
            kind: message.kind,
            payload: message.payload,
            attempts: 0,
            nextAttemptAt: deps.now(),
            createdAt: deps.now(),
            orderKey: orderKeyOf(message),
          });
        }
      }
      if (rows.length === 0) return;
      await deps.db.insert(outbox).values(rows).onConflictDoNothing();
      deliverSoon(deps);
    },
    async run(payload) {
      const h = handlers.find((x) => x.name === payload.domain);
      if (!h) throw new DeliveryError(`no domain ${payload.domain} runs tasks`, { permanent: true });
      await h.tasks.run(deps, payload);
    },
  };
}
