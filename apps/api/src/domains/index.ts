import type { NotificationResolver } from "../platform/notifications/index.js";
import { accountsDomain } from "./accounts/index.js";
import { calendarsDomain } from "./calendars/index.js";
import { eventsDomain } from "./events/index.js";
import { placesDomain } from "./places/index.js";
import { plansDomain } from "./plans/index.js";

/**
 * Every domain the API serves. The app mounts their routers, the realtime token service takes
 * their room access rules from here: adding a domain is one line in this list.
 */
export const DOMAINS = [accountsDomain, plansDomain, eventsDomain, placesDomain, calendarsDomain] as const;

/** Every domain's notification kinds and who gets each, for the notifications platform's deliverer. */
export function notificationResolvers(): Record<string, NotificationResolver> {
  const out: Record<string, NotificationResolver> = {};
  for (const d of DOMAINS) if ("notifications" in d && d.notifications) Object.assign(out, d.notifications);
  return out;
}
