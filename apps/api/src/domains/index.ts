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
