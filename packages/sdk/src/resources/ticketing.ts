import type { RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type {
  Checkin,
  CheckinList,
  CheckinListCreateParams,
  CheckinsListParams,
  DiscountCode,
  DiscountCodeCreateParams,
  DiscountCodeListParams,
  DiscountCodeUpdateParams,
  Refund,
  RefundCreateParams,
} from "../types.js";
import { APIResource, path } from "./resource.js";

// What organizers do around orders: check-in, discount codes, analytics, refunds. Small on
// purpose (one request per method); a page that builds only these over a GatherkitClient ships
// nothing else.

/** Check-in lists and scanning: `gk.events.checkinLists.checkIn(listId, code)`. */
export class CheckinLists extends APIResource {
  /** Owners and admins: a list admits the event's tickets of `ticketTypeIds` (every type when left out). */
  create(eventId: string, params: CheckinListCreateParams, options?: RequestOptions): Promise<CheckinList> {
    return this._transport.request("POST", path`/v1/events/${eventId}/checkin-lists`, { ...options, body: params });
  }

  /** Each with `checkedIn` of `total`, and `qrPublicKey` (for scanners that verify QR codes offline). */
  async list(eventId: string, options?: RequestOptions): Promise<CheckinList[]> {
    return (await this._transport.request<{ data: CheckinList[] }>("GET", path`/v1/events/${eventId}/checkin-lists`, options)).data;
  }

  retrieve(listId: string, options?: RequestOptions): Promise<CheckinList> {
    return this._transport.request("GET", path`/v1/checkin-lists/${listId}`, options);
  }

  /**
   * Checks a ticket in by its typed code or its QR code's scanned payload. 409 `already_checked_in`
   * (with when and by whom), 409 `ticket_void`, 422 `ticket_not_on_list`, 422 `ticket_qr_invalid`.
   */
  checkIn(listId: string, code: string, options?: RequestOptions): Promise<Checkin> {
    return this._transport.request("POST", path`/v1/checkin-lists/${listId}/checkins`, { ...options, body: { code } });
  }

  /** Who is in, latest first; `q` searches name, email and ticket code. */
  checkins(listId: string, params?: CheckinsListParams, options?: RequestOptions): PagePromise<Checkin> {
    return this._transport.list(path`/v1/checkin-lists/${listId}/checkins`, params, options);
  }

  undo(listId: string, checkinId: string, options?: RequestOptions): Promise<Checkin> {
    return this._transport.request("POST", path`/v1/checkin-lists/${listId}/checkins/${checkinId}/undo`, options);
  }
}

/** An event's discount codes: `gk.events.discountCodes.create(eventId, { code, kind, value })`. */
export class DiscountCodes extends APIResource {
  create(eventId: string, params: DiscountCodeCreateParams, options?: RequestOptions): Promise<DiscountCode> {
    return this._transport.request("POST", path`/v1/events/${eventId}/discount-codes`, { ...options, body: params });
  }

  /** Newest first, with how often each was used. */
  list(eventId: string, params?: DiscountCodeListParams, options?: RequestOptions): PagePromise<DiscountCode> {
    return this._transport.list(path`/v1/events/${eventId}/discount-codes`, params, options);
  }

  /** `{ active: false }` deactivates it (checkouts refuse it), `true` takes it back into use. */
  update(eventId: string, discountCodeId: string, params: DiscountCodeUpdateParams, options?: RequestOptions): Promise<DiscountCode> {
    return this._transport.request("PATCH", path`/v1/events/${eventId}/discount-codes/${discountCodeId}`, { ...options, body: params });
  }

  /** Only while no order has used it (409 `discount_code_used`: deactivate it instead). */
  async del(eventId: string, discountCodeId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/events/${eventId}/discount-codes/${discountCodeId}`, options);
  }
}

/** An order's refunds: `gk.orders.refunds.create(orderId, { amount })`. */
export class Refunds extends APIResource {
  /** Owners and admins; all that is left when `amount` is left out. The order follows the provider's refund events. */
  create(orderId: string, params: RefundCreateParams = {}, options?: RequestOptions): Promise<Refund> {
    return this._transport.request("POST", path`/v1/orders/${orderId}/refunds`, { ...options, body: params });
  }

  async list(orderId: string, options?: RequestOptions): Promise<Refund[]> {
    return (await this._transport.request<{ data: Refund[] }>("GET", path`/v1/orders/${orderId}/refunds`, options)).data;
  }
}
