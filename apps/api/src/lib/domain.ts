import type { RoomKind } from "@gatherkit/core";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type Stripe from "stripe";
import type { z } from "zod";
import type { NotificationResolver } from "../platform/notifications/index.js";
import type { AppBindings, Caller, Deps } from "./types.js";

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
  /** Per notification kind it sends: who gets one now, or null when it no longer holds (checked at send time). */
  notifications?: Record<string, NotificationResolver>;
  /** The schemas of the messages the domain publishes to its rooms. */
  messages: readonly z.ZodType[];
}
