/**
 * The places domain's whole public surface: its router, the access rule of its `place:` rooms,
 * its error codes and the messages it publishes. Other domains and the app import only this.
 *
 * Payments: a priced booking of a place with online payment is `pending_payment`, holding its
 * spot until its hold runs out; the shared payments provider's webhook (`payments` below)
 * confirms it. `sweepBookings` (Node: `startBookingSweeper`; Workers: the cron trigger) expires
 * unpaid holds, sends due reminders and retries refunds.
 */
import { PLACE_ERROR_CODES, PLACE_EVENT_SCHEMAS } from "@gatherkit/core";
import { createRouter } from "../../lib/create-app.js";
import type { DomainModule } from "../../lib/domain.js";
import { loadPlace } from "./access.js";
import * as bookingHandlers from "./bookings/bookings.handlers.js";
import * as bookings from "./bookings/bookings.routes.js";
import * as occupancyHandlers from "./occupancy/occupancy.handlers.js";
import * as occupancy from "./occupancy/occupancy.routes.js";
import { handlePlacesPaymentEvent } from "./payments.js";
import * as placeHandlers from "./places/places.handlers.js";
import * as placeRoutes from "./places/places.routes.js";
import * as reviewHandlers from "./reviews/reviews.handlers.js";
import * as reviews from "./reviews/reviews.routes.js";
import * as searchHandlers from "./search/search.handlers.js";
import * as searchRoutes from "./search/search.routes.js";

const router = createRouter()
  .openapi(placeRoutes.create, placeHandlers.create)
  .openapi(placeRoutes.list, placeHandlers.list)
  .openapi(searchRoutes.search, searchHandlers.search)
  .openapi(placeRoutes.get, placeHandlers.get)
  .openapi(placeRoutes.update, placeHandlers.update)
  .openapi(placeRoutes.availability, placeHandlers.availability)
  .openapi(placeRoutes.slots, placeHandlers.slots)
  .openapi(occupancy.get, occupancyHandlers.get)
  .openapi(reviews.list, reviewHandlers.list)
  .openapi(bookings.quote, bookingHandlers.quote)
  .openapi(bookings.create, bookingHandlers.create)
  .openapi(bookings.list, bookingHandlers.list)
  .openapi(bookings.get, bookingHandlers.get)
  .openapi(bookings.cancel, bookingHandlers.cancel)
  .openapi(bookings.complete, bookingHandlers.complete)
  .openapi(bookings.extend, bookingHandlers.extend)
  .openapi(reviews.create, reviewHandlers.create)
  .openapi(reviews.reply, reviewHandlers.reply)
  .openapi(reviews.deleteReply, reviewHandlers.deleteReply)
  .openapi(reviews.moderate, reviewHandlers.moderate);

export const placesDomain = {
  name: "places",
  router,
  rooms: {
    // Whoever may see the place: anyone of its organization, a site's visitors (publishable key)
    // included, since free capacity is public; an inactive place only staff. Another
    // organization's place is 404.
    place: async (deps, caller, placeId) => {
      await loadPlace(deps, caller, placeId);
    },
  },
  errors: PLACE_ERROR_CODES,
  payments: handlePlacesPaymentEvent,
  messages: PLACE_EVENT_SCHEMAS,
} satisfies DomainModule;

export { PLACE_SYNC_MAX_BOOKINGS, type PlaceCalendarItems, placeCalendarItems } from "./calendar-items.js";
export { startBookingSweeper, sweepBookings } from "./payments.js";
