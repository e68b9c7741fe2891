/**
 * Cross-domain services the app mounts beside the domains: health, realtime room tokens and
 * notifications (inbox, push subscriptions).
 * The realtime token service takes the room access rules the domains export.
 */
import { createRouter } from "../lib/create-app.js";
import type { RoomAccessCheck } from "../lib/domain.js";
import * as healthHandlers from "./health/health.handlers.js";
import * as health from "./health/health.routes.js";
import { notificationsRouter, personRoomAccess } from "./notifications/index.js";
import { realtimeHandlers } from "./realtime/realtime.handlers.js";
import * as realtime from "./realtime/realtime.routes.js";

export function platformRouter(rooms: Record<string, RoomAccessCheck>) {
  const rt = realtimeHandlers({ ...rooms, person: personRoomAccess });
  return createRouter()
    .openapi(health.get, healthHandlers.get)
    .openapi(realtime.createToken, rt.createToken)
    .route("/", notificationsRouter());
}
