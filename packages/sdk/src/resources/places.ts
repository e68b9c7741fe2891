import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import { realtimeOf, type SubscribeHandlers, type Subscription } from "../realtime-client.js";
import type {
  Booking,
  BookingCreateParams,
  BookingExtendParams,
  BookingListParams,
  BookingQuote,
  BookingQuoteParams,
  Place,
  PlaceAvailability,
  PlaceCreateParams,
  PlaceEvent,
  PlaceListParams,
  PlaceOccupancy,
  PlaceSearchParams,
  PlaceSearchResult,
  PlaceSlots,
  PlaceUpdateParams,
  ReportRange,
  Review,
  ReviewCreateParams,
  ReviewListParams,
  ReviewModerateParams,
  ReviewReplyParams,
} from "../types.js";
import { APIResource, path } from "./resource.js";

export interface PlaceSubscribeHandlers extends SubscribeHandlers {
  /** A booking changed the place's free capacity over `start`–`end` (refetch an overlapping window's availability). */
  onAvailabilityChanged?: (data: PlaceEvent["data"], meta: { seq: number }) => void;
}

/**
 * Bookable places (parking by the minute, venues and rooms by slot), their bookings and
 * reviews. Owners, admins and secret keys manage places; a site's visitors (publishable key)
 * and participants search, read and book them.
 */
export class Places extends APIResource {
  readonly bookings: Bookings = new Bookings(this._client);
  readonly reviews: PlaceReviews = new PlaceReviews(this._client);

  create(params: PlaceCreateParams, options?: RequestOptions): Promise<Place> {
    return this._transport.request("POST", "/v1/places", { ...options, body: params });
  }

  retrieve(placeId: string, options?: RequestOptions): Promise<Place> {
    return this._transport.request("GET", path`/v1/places/${placeId}`, options);
  }

  /** Fields sent replace the stored ones (`pricing`, `openingHours`, `slots` as a whole). */
  update(placeId: string, params: PlaceUpdateParams, options?: RequestOptions): Promise<Place> {
    return this._transport.request("PATCH", path`/v1/places/${placeId}`, { ...options, body: params });
  }

  /** Newest first; visitors and participants see active places only. */
  list(params?: PlaceListParams, options?: RequestOptions): PagePromise<Place> {
    return this._transport.list("/v1/places", params, options);
  }

  /**
   * Places within `radiusKm` of a point, nearest (or, with a window, cheapest) first; with
   * `start`/`end`, each result has its free capacity and price for that window.
   */
  search(params: PlaceSearchParams, options?: RequestOptions): PagePromise<PlaceSearchResult> {
    const { features, ...rest } = params;
    return this._transport.list("/v1/search/places", { ...rest, ...(features ? { features: features.join(",") } : {}) }, options);
  }

  /** Staff: booked minutes per day and per hour of the day over `from`–`to` (local dates; default the last 30 days), in the place's zone. */
  occupancy(placeId: string, range?: ReportRange, options?: RequestOptions): Promise<PlaceOccupancy> {
    return this._transport.request("GET", path`/v1/places/${placeId}/occupancy`, { ...options, query: range });
  }

  /** Free capacity (capacity less the busiest instant) and the price of a window. */
  availability(placeId: string, window: { start: string; end: string }, options?: RequestOptions): Promise<PlaceAvailability> {
    return this._transport.request("GET", path`/v1/places/${placeId}/availability`, { ...options, query: window });
  }

  /** The slots of a local date at a slot place, each with its free capacity. */
  slots(placeId: string, date: string, options?: RequestOptions): Promise<PlaceSlots> {
    return this._transport.request("GET", path`/v1/places/${placeId}/slots`, { ...options, query: { date } });
  }

  /**
   * The window and price a booking would get, and a `token`: a booking of that window that sends
   * it as `quote` is charged this price until `expiresAt` (409 `quote_expired` after). Holds nothing.
   */
  quote(placeId: string, params: BookingQuoteParams, options?: RequestOptions): Promise<BookingQuote> {
    return this._transport.request("POST", path`/v1/places/${placeId}/quote`, { ...options, body: params });
  }

  /** Live free-capacity changes of a place (its room `place:<id>`). */
  subscribe(placeId: string, handlers: PlaceSubscribeHandlers = {}): Subscription {
    return realtimeOf(this._client).subscribe(
      path`place:${placeId}`,
      (event, meta) => {
        if (event.type === "place.availability_changed") handlers.onAvailabilityChanged?.(event.data, meta);
      },
      handlers,
    );
  }
}

/** Bookings of places: `gk.places.bookings.create({ placeId, start, durationMinutes, contact })`. */
export class Bookings extends APIResource {
  /** Books a window; the API computes its end and price and never overbooks (409 `place_full`). */
  create(params: BookingCreateParams, options?: RequestOptions): Promise<Booking> {
    return this._transport.request("POST", "/v1/bookings", { ...options, body: params });
  }

  retrieve(bookingId: string, options?: RequestOptions): Promise<Booking> {
    return this._transport.request("GET", path`/v1/bookings/${bookingId}`, options);
  }

  /** Staff: the organization's bookings (filter by place, status); a participant: their own. */
  list(params?: BookingListParams, options?: RequestOptions): PagePromise<Booking> {
    return this._transport.list("/v1/bookings", params, options);
  }

  cancel(bookingId: string, options?: RequestOptions): Promise<Booking> {
    return this._transport.request("POST", path`/v1/bookings/${bookingId}/cancel`, options);
  }

  /**
   * Moves a confirmed booking's end to `end` if a spot stays free (409 `place_full` if not). With
   * online payment and a higher price, the extra time waits for payment (`pendingExtension`, `payment`).
   */
  extend(bookingId: string, params: BookingExtendParams, options?: RequestOptions): Promise<Booking> {
    return this._transport.request("POST", path`/v1/bookings/${bookingId}/extend`, { ...options, body: params });
  }

  /** After its end: confirmed → completed (it can then be reviewed). */
  complete(bookingId: string, options?: RequestOptions): Promise<Booking> {
    return this._transport.request("POST", path`/v1/bookings/${bookingId}/complete`, options);
  }
}

/** Reviews of places: written by the booker of a completed booking, moderated by staff. */
export class PlaceReviews extends APIResource {
  create(bookingId: string, params: ReviewCreateParams, options?: RequestOptions): Promise<Review> {
    return this._transport.request("POST", path`/v1/bookings/${bookingId}/review`, { ...options, body: params });
  }

  /** Approved reviews (staff: any status). */
  list(placeId: string, params?: ReviewListParams & ListParams, options?: RequestOptions): PagePromise<Review> {
    return this._transport.list(path`/v1/places/${placeId}/reviews`, params, options);
  }

  moderate(reviewId: string, params: ReviewModerateParams, options?: RequestOptions): Promise<Review> {
    return this._transport.request("POST", path`/v1/reviews/${reviewId}/moderate`, { ...options, body: params });
  }

  /** Staff: the organization's public reply (`{ text }`), replacing an earlier one. */
  reply(reviewId: string, params: ReviewReplyParams, options?: RequestOptions): Promise<Review> {
    return this._transport.request("POST", path`/v1/reviews/${reviewId}/reply`, { ...options, body: params });
  }

  /** Staff: takes the organization's reply back. */
  deleteReply(reviewId: string, options?: RequestOptions): Promise<Review> {
    return this._transport.request("DELETE", path`/v1/reviews/${reviewId}/reply`, options);
  }
}
