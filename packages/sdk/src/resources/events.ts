import type { RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import { realtimeOf, type SubscribeHandlers, type Subscription } from "../realtime-client.js";
import type {
  EventAnalytics,
  EventCreateParams,
  EventListParams,
  EventUpdateParams,
  JoinedWaitlistEntry,
  Order,
  OrderCreateParams,
  OrderListParams,
  Quota,
  QuotaCreateParams,
  QuotaUpdateParams,
  TicketedEvent,
  TicketedEventMessage,
  TicketType,
  TicketTypeCreateParams,
  TicketTypeUpdateParams,
  WaitlistEntry,
  WaitlistJoinParams,
  WaitlistListParams,
} from "../types.js";
import { Guests, Sessions } from "./guests.js";
import { APIResource, path } from "./resource.js";
import { CheckinLists, DiscountCodes, Refunds } from "./ticketing.js";

type EventData<T extends TicketedEventMessage["type"]> = Extract<TicketedEventMessage, { type: T }>["data"];

export interface EventSubscribeHandlers extends SubscribeHandlers {
  /** A hold, payment, expiry or cancellation changed what is left: each public ticket type's `remaining`. */
  onStockChanged?: (data: EventData<"event.stock_changed">, meta: { seq: number }) => void;
  /** The event was published, unpublished or cancelled: its `status` and `availability`. */
  onStatusChanged?: (data: EventData<"event.status_changed">, meta: { seq: number }) => void;
}

/**
 * Ticketed events. Organizers (organizer session, secret key) create and manage them; a page's
 * publishable key sees published events only, with their ticket types and live remaining stock,
 * and starts checkouts (`gk.events.orders.create`).
 */
export class Events extends APIResource {
  readonly ticketTypes: TicketTypes = new TicketTypes(this._client);
  readonly quotas: Quotas = new Quotas(this._client);
  readonly orders: EventOrders = new EventOrders(this._client);
  readonly guests: Guests = new Guests(this._client);
  readonly sessions: Sessions = new Sessions(this._client);
  readonly checkinLists: CheckinLists = new CheckinLists(this._client);
  readonly discountCodes: DiscountCodes = new DiscountCodes(this._client);

  /** Staff: sales, revenue per day (the event's time zone), per type with remaining stock, check-in rate, discount use. */
  analytics(eventId: string, options?: RequestOptions): Promise<EventAnalytics> {
    return this._transport.request("GET", path`/v1/events/${eventId}/analytics`, options);
  }

  /** Creates a `draft` event, visible to organizers only until `publish`. */
  create(params: EventCreateParams, options?: RequestOptions): Promise<TicketedEvent> {
    return this._transport.request("POST", "/v1/events", { ...options, body: params });
  }

  /** The event with its `availability` and `remaining` stock now. */
  retrieve(eventId: string, options?: RequestOptions): Promise<TicketedEvent> {
    return this._transport.request("GET", path`/v1/events/${eventId}`, options);
  }

  /** `null` clears a field; the currency is fixed. */
  update(eventId: string, params: EventUpdateParams, options?: RequestOptions): Promise<TicketedEvent> {
    return this._transport.request("PATCH", path`/v1/events/${eventId}`, { ...options, body: params });
  }

  /** Newest first; `q` (text), `category`, `from`/`to` (ISO times) and, for organizers, `status`. */
  list(params?: EventListParams, options?: RequestOptions): PagePromise<TicketedEvent> {
    return this._transport.list("/v1/events", params, options);
  }

  /** draft or unpublished → published. */
  publish(eventId: string, options?: RequestOptions): Promise<TicketedEvent> {
    return this._transport.request("POST", path`/v1/events/${eventId}/publish`, options);
  }

  /** published → unpublished (hidden from the public again). */
  unpublish(eventId: string, options?: RequestOptions): Promise<TicketedEvent> {
    return this._transport.request("POST", path`/v1/events/${eventId}/unpublish`, options);
  }

  /** → cancelled, for good. */
  cancel(eventId: string, options?: RequestOptions): Promise<TicketedEvent> {
    return this._transport.request("POST", path`/v1/events/${eventId}/cancel`, options);
  }

  /** Live remaining stock and status of a published event (its room `event:<id>`), e.g. for a checkout page. */
  subscribe(eventId: string, handlers: EventSubscribeHandlers = {}): Subscription {
    return realtimeOf(this._client).subscribe(
      path`event:${eventId}`,
      (event, meta) => {
        if (event.type === "event.stock_changed") handlers.onStockChanged?.(event.data, meta);
        else if (event.type === "event.status_changed") handlers.onStatusChanged?.(event.data, meta);
      },
      handlers,
    );
  }
}

/** An event's ticket types: `gk.events.ticketTypes.create(eventId, …)`. */
export class TicketTypes extends APIResource {
  create(eventId: string, params: TicketTypeCreateParams, options?: RequestOptions): Promise<TicketType> {
    return this._transport.request("POST", path`/v1/events/${eventId}/ticket-types`, { ...options, body: params });
  }

  /** In sort order with remaining stock; `accessCode` also lists the hidden types it unlocks. */
  async list(eventId: string, params: { accessCode?: string } = {}, options?: RequestOptions): Promise<TicketType[]> {
    const body = await this._transport.request<{ data: TicketType[] }>("GET", path`/v1/events/${eventId}/ticket-types`, {
      ...options,
      query: params,
    });
    return body.data;
  }

  update(eventId: string, ticketTypeId: string, params: TicketTypeUpdateParams, options?: RequestOptions): Promise<TicketType> {
    return this._transport.request("PATCH", path`/v1/events/${eventId}/ticket-types/${ticketTypeId}`, { ...options, body: params });
  }

  /** Joins a sold-out type's waiting list (a page's publishable key is enough); 409 `waitlist_not_needed` while it is on sale. */
  joinWaitlist(eventId: string, ticketTypeId: string, params: WaitlistJoinParams, options?: RequestOptions): Promise<JoinedWaitlistEntry> {
    return this._transport.request("POST", path`/v1/events/${eventId}/ticket-types/${ticketTypeId}/waitlist`, { ...options, body: params });
  }

  /**
   * Leaves the waiting list: the entrant with `token` (the join answer's `leaveToken`, or the
   * token of the order link in their offer email) from any client; an owner or admin without it.
   * Idempotent; an offer that was held is released to the next entry. 409 `waitlist_entry_claimed` once paid.
   */
  leaveWaitlist(entryId: string, params: { token?: string } = {}, options?: RequestOptions): Promise<WaitlistEntry> {
    return this._transport.request("POST", path`/v1/waitlist-entries/${entryId}/leave`, {
      ...options,
      ...(params.token ? { auth: "none" as const } : {}),
      body: params,
    });
  }

  /** Organizers: the event's waiting list, newest first, optionally one `status`. */
  waitlist(eventId: string, params?: WaitlistListParams, options?: RequestOptions): PagePromise<WaitlistEntry> {
    return this._transport.list(path`/v1/events/${eventId}/waitlist`, params, options);
  }

  /** Only while no order ever held it. */
  async del(eventId: string, ticketTypeId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/events/${eventId}/ticket-types/${ticketTypeId}`, options);
  }
}

/** Places shared by several ticket types of an event: `gk.events.quotas.create(eventId, …)`. */
export class Quotas extends APIResource {
  create(eventId: string, params: QuotaCreateParams, options?: RequestOptions): Promise<Quota> {
    return this._transport.request("POST", path`/v1/events/${eventId}/quotas`, { ...options, body: params });
  }

  async list(eventId: string, options?: RequestOptions): Promise<Quota[]> {
    return (await this._transport.request<{ data: Quota[] }>("GET", path`/v1/events/${eventId}/quotas`, options)).data;
  }

  /**
   * Renames, resizes, or changes its ticket types (`ticketTypeIds`: the whole new set, of this
   * event); 409 `event_has_sales` when what its types hold or sold would exceed the size.
   */
  update(eventId: string, quotaId: string, params: QuotaUpdateParams, options?: RequestOptions): Promise<Quota> {
    return this._transport.request("PATCH", path`/v1/events/${eventId}/quotas/${quotaId}`, { ...options, body: params });
  }

  async del(eventId: string, quotaId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/events/${eventId}/quotas/${quotaId}`, options);
  }
}

/** Checkouts of an event: `gk.events.orders.create(eventId, { buyer, lines })`. */
export class EventOrders extends APIResource {
  /** Holds the tickets until `expiresAt` (or confirms a free order at once). 409 `sold_out` when not enough are left. */
  create(eventId: string, params: OrderCreateParams, options?: RequestOptions): Promise<Order> {
    return this._transport.request("POST", path`/v1/events/${eventId}/orders`, { ...options, body: params });
  }

  /** Organizers: newest first, optionally one `status`. */
  list(eventId: string, params?: OrderListParams, options?: RequestOptions): PagePromise<Order> {
    return this._transport.list(path`/v1/events/${eventId}/orders`, params, options);
  }
}

/** Orders by id: `gk.orders.retrieve(orderId)`, `gk.orders.cancel(orderId)` (organizers). */
export class Orders extends APIResource {
  readonly refunds: Refunds = new Refunds(this._client);

  /** Organizers. */
  retrieve(orderId: string, options?: RequestOptions): Promise<Order> {
    return this._transport.request("GET", path`/v1/orders/${orderId}`, options);
  }

  /**
   * The buyer's view of their order (with its tickets once paid), authorized by the checkout
   * answer's `buyerToken` rather than by this client's key: works from any client, even one
   * with a publishable key only.
   */
  retrieveAsBuyer(orderId: string, buyerToken: string, options?: RequestOptions): Promise<Order> {
    return this._transport.request("GET", path`/v1/buyer/orders/${orderId}`, { ...options, auth: "none", query: { token: buyerToken } });
  }

  /** Ends a pending order's hold; its tickets return to sale. */
  cancel(orderId: string, options?: RequestOptions): Promise<Order> {
    return this._transport.request("POST", path`/v1/orders/${orderId}/cancel`, options);
  }
}
