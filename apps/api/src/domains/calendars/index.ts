/**
 * The calendars domain's whole public surface: its router and error codes. Clients of an
 * organization, each with a Google connection (OAuth with PKCE, tokens encrypted at rest that
 * refresh themselves), their calendars and events, sync rules that push other domains' items
 * (plans, events with their RSVP headcount, places' bookings) to a calendar through the outbox,
 * bulk jobs with their progress (and .ics imports), and calendar feeds with revocable tokens. Other domains and the app import only this.
 */
import { CALENDAR_ERROR_CODES } from "@gatherkit/core";
import { createRouter } from "../../lib/create-app.js";
import type { DomainModule } from "../../lib/domain.js";
import * as eventHandlers from "./calendar-events/calendar-events.handlers.js";
import * as events from "./calendar-events/calendar-events.routes.js";
import * as calendarHandlers from "./calendars/calendars.handlers.js";
import * as calendars from "./calendars/calendars.routes.js";
import * as clientHandlers from "./clients/clients.handlers.js";
import * as clients from "./clients/clients.routes.js";
import * as connectionHandlers from "./connections/connections.handlers.js";
import * as connections from "./connections/connections.routes.js";
import * as feedHandlers from "./feeds/feeds.handlers.js";
import * as feeds from "./feeds/feeds.routes.js";
import * as icsHandlers from "./ics/ics.handlers.js";
import * as ics from "./ics/ics.routes.js";
import * as jobHandlers from "./jobs/jobs.handlers.js";
import * as jobs from "./jobs/jobs.routes.js";
import { calendarTasks } from "./sync.js";

export { calendarSourceChanged } from "./sync.js";

import * as syncRuleHandlers from "./sync-rules/sync-rules.handlers.js";
import * as syncRules from "./sync-rules/sync-rules.routes.js";

const router = createRouter()
  .openapi(clients.create, clientHandlers.create)
  .openapi(clients.list, clientHandlers.list)
  .openapi(clients.get, clientHandlers.get)
  .openapi(clients.update, clientHandlers.update)
  .openapi(clients.remove, clientHandlers.remove)
  .openapi(connections.get, connectionHandlers.get)
  .openapi(connections.setApp, connectionHandlers.setApp)
  .openapi(connections.authorize, connectionHandlers.authorize)
  .openapi(connections.disconnect, connectionHandlers.disconnect)
  .openapi(connections.callback, connectionHandlers.callback)
  .openapi(calendars.list, calendarHandlers.list)
  .openapi(ics.exportIcs, icsHandlers.exportIcs)
  .openapi(ics.importIcs, icsHandlers.importIcs)
  .openapi(ics.previewImport, icsHandlers.previewImport)
  .openapi(events.list, eventHandlers.list)
  .openapi(events.create, eventHandlers.create)
  .openapi(events.get, eventHandlers.get)
  .openapi(events.update, eventHandlers.update)
  .openapi(events.remove, eventHandlers.remove)
  .openapi(syncRules.create, syncRuleHandlers.create)
  .openapi(syncRules.list, syncRuleHandlers.list)
  .openapi(syncRules.remove, syncRuleHandlers.remove)
  .openapi(jobs.create, jobHandlers.create)
  .openapi(jobs.list, jobHandlers.list)
  .openapi(jobs.get, jobHandlers.get)
  .openapi(feeds.create, feedHandlers.create)
  .openapi(feeds.list, feedHandlers.list)
  .openapi(feeds.rotate, feedHandlers.rotate)
  .openapi(feeds.revoke, feedHandlers.revoke)
  .openapi(feeds.rotateByToken, feedHandlers.rotateByToken)
  .openapi(feeds.revokeByToken, feedHandlers.revokeByToken)
  .openapi(feeds.feed, feedHandlers.feed);

export const calendarsDomain = {
  name: "calendars",
  router,
  rooms: {},
  // Pushes plans, events and bookings to the calendars their sync rules name, as their domains publish changes; runs bulk jobs.
  tasks: calendarTasks,
  errors: CALENDAR_ERROR_CODES,
  messages: [],
} satisfies DomainModule;
