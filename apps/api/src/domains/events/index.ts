/**
 * The events domain's whole public surface: its router, the access rule of its `event:` rooms,
 * its error codes and the messages it publishes. Other domains and the app import only this.
 */
import { EVENT_ERROR_CODES, EVENT_MESSAGE_SCHEMAS } from "@gatherkit/core";
import { createRouter } from "../../lib/create-app.js";
import type { DomainModule } from "../../lib/domain.js";
import { DeliveryError } from "../../lib/outbox.js";
import { loadEvent } from "./access.js";

export { type EventCalendarItem, eventCalendarItem, eventSchedule, guestSchedule, type SessionCalendarItem } from "./calendar-items.js";

import * as analyticsHandlers from "./analytics/analytics.handlers.js";
import * as analytics from "./analytics/analytics.routes.js";
import * as buyerHandlers from "./buyer/buyer.handlers.js";
import * as buyer from "./buyer/buyer.routes.js";
import * as checkinHandlers from "./checkins/checkins.handlers.js";
import * as checkins from "./checkins/checkins.routes.js";
import * as discountCodeHandlers from "./discount-codes/discount-codes.handlers.js";
import * as discountCodes from "./discount-codes/discount-codes.routes.js";
import * as eventHandlers from "./events/events.handlers.js";
import * as events from "./events/events.routes.js";
import { CANCELLED_EVENT_TASK } from "./events/events.service.js";
import { GUEST_CALENDAR_NOTIFICATIONS } from "./guests/guest-calendar-notices.js";
import { GUEST_NOTIFICATIONS } from "./guests/guest-reminders.js";
import * as guestHandlers from "./guests/guests.handlers.js";
import * as guests from "./guests/guests.routes.js";
import * as orderHandlers from "./orders/orders.handlers.js";
import * as orders from "./orders/orders.routes.js";
import { handlePaymentEvent } from "./payments.js";
import * as refundHandlers from "./refunds/refunds.handlers.js";
import * as refunds from "./refunds/refunds.routes.js";
import { refundCancelledEvent } from "./refunds/refunds.service.js";
import { SESSION_NOTIFICATIONS } from "./sessions/session-notices.js";
import * as sessionHandlers from "./sessions/sessions.handlers.js";
import * as sessions from "./sessions/sessions.routes.js";
import * as ticketTypeHandlers from "./ticket-types/ticket-types.handlers.js";
import * as ticketTypes from "./ticket-types/ticket-types.routes.js";
import * as waitlistHandlers from "./waitlist/waitlist.handlers.js";
import * as waitlist from "./waitlist/waitlist.routes.js";

const router = createRouter()
  .openapi(events.create, eventHandlers.create)
  .openapi(events.list, eventHandlers.list)
  .openapi(events.get, eventHandlers.get)
  .openapi(events.update, eventHandlers.update)
  .openapi(events.publish, eventHandlers.publish)
  .openapi(events.unpublish, eventHandlers.unpublish)
  .openapi(events.cancel, eventHandlers.cancel)
  .openapi(ticketTypes.create, ticketTypeHandlers.create)
  .openapi(ticketTypes.list, ticketTypeHandlers.list)
  .openapi(ticketTypes.update, ticketTypeHandlers.update)
  .openapi(ticketTypes.remove, ticketTypeHandlers.remove)
  .openapi(ticketTypes.createQuota, ticketTypeHandlers.createQuota)
  .openapi(ticketTypes.listQuotas, ticketTypeHandlers.listQuotas)
  .openapi(ticketTypes.updateQuota, ticketTypeHandlers.updateQuota)
  .openapi(ticketTypes.removeQuota, ticketTypeHandlers.removeQuota)
  .openapi(discountCodes.create, discountCodeHandlers.create)
  .openapi(discountCodes.list, discountCodeHandlers.list)
  .openapi(discountCodes.update, discountCodeHandlers.update)
  .openapi(discountCodes.remove, discountCodeHandlers.remove)
  .openapi(orders.create, orderHandlers.create)
  .openapi(orders.list, orderHandlers.list)
  .openapi(orders.get, orderHandlers.get)
  .openapi(orders.cancel, orderHandlers.cancel)
  .openapi(waitlist.join, waitlistHandlers.join)
  .openapi(waitlist.list, waitlistHandlers.list)
  .openapi(waitlist.leave, waitlistHandlers.leave)
  .openapi(refunds.create, refundHandlers.create)
  .openapi(refunds.list, refundHandlers.list)
  .openapi(checkins.createList, checkinHandlers.createList)
  .openapi(checkins.listLists, checkinHandlers.listLists)
  .openapi(checkins.getList, checkinHandlers.getList)
  .openapi(checkins.checkIn, checkinHandlers.checkIn)
  .openapi(checkins.listCheckins, checkinHandlers.listCheckins)
  .openapi(checkins.undo, checkinHandlers.undo)
  .openapi(buyer.order, buyerHandlers.order)
  .openapi(buyer.qr, buyerHandlers.qr)
  .openapi(analytics.get, analyticsHandlers.get)
  .openapi(guests.getSettings, guestHandlers.getSettings)
  .openapi(guests.updateSettings, guestHandlers.updateSettings)
  .openapi(guests.sendInvitations, guestHandlers.sendInvitations)
  .openapi(guests.remind, guestHandlers.remind)
  .openapi(guests.importGuests, guestHandlers.importGuests)
  .openapi(guests.exportGuests, guestHandlers.exportGuests)
  .openapi(guests.create, guestHandlers.create)
  .openapi(guests.list, guestHandlers.list)
  .openapi(guests.get, guestHandlers.get)
  .openapi(guests.update, guestHandlers.update)
  .openapi(guests.remove, guestHandlers.remove)
  .openapi(guests.rotateLink, guestHandlers.rotateLink)
  .openapi(guests.history, guestHandlers.history)
  .openapi(guests.rsvp, guestHandlers.rsvp)
  .openapi(guests.approve, guestHandlers.approve)
  .openapi(guests.decline, guestHandlers.decline)
  .openapi(guests.register, guestHandlers.register)
  .openapi(guests.invitation, guestHandlers.invitation)
  .openapi(guests.answer, guestHandlers.answer)
  .openapi(guests.calendar, guestHandlers.calendar)
  .openapi(guests.guestPreferences, guestHandlers.guestPreferences)
  .openapi(guests.updateGuestPreferences, guestHandlers.updateGuestPreferences)
  .openapi(guests.guestPushSubscribe, guestHandlers.guestPushSubscribe)
  .openapi(guests.guestPushKey, guestHandlers.guestPushKey)
  .openapi(guests.guestPushUnsubscribe, guestHandlers.guestPushUnsubscribe)
  .openapi(sessions.listPicks, sessionHandlers.listPicks)
  .openapi(sessions.pick, sessionHandlers.pick)
  .openapi(sessions.drop, sessionHandlers.drop)
  .openapi(sessions.create, sessionHandlers.create)
  .openapi(sessions.list, sessionHandlers.list)
  .openapi(sessions.get, sessionHandlers.get)
  .openapi(sessions.update, sessionHandlers.update)
  .openapi(sessions.remove, sessionHandlers.remove);

export const eventsDomain = {
  name: "events",
  router,
  rooms: {
    // Whoever may read the event: organization staff for any status; a page's publishable key or
    // a participant while it is published (remaining stock is public then). Another
    // organization's event, or an unpublished one for the public, is 404.
    event: async (deps, caller, eventId) => {
      await loadEvent(deps, caller, eventId);
    },
  },
  errors: EVENT_ERROR_CODES,
  payments: handlePaymentEvent,
  notifications: { ...GUEST_NOTIFICATIONS, ...GUEST_CALENDAR_NOTIFICATIONS, ...SESSION_NOTIFICATIONS },
  // Cancelling an event queues the refund of its orders (queued by the cancel itself, never by `on`).
  tasks: {
    on: async () => [],
    async run(deps, t) {
      const { eventId, by } = t.data;
      if (t.name !== CANCELLED_EVENT_TASK || typeof eventId !== "string" || typeof by !== "string") {
        throw new DeliveryError(`unknown events task ${t.name}`, { permanent: true });
      }
      await refundCancelledEvent(deps, eventId, by);
    },
  },
  messages: EVENT_MESSAGE_SCHEMAS,
} satisfies DomainModule;

export { releaseExpiredHolds, startHoldSweeper } from "./holds.js";
