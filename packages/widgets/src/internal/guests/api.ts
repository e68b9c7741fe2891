import { Events, type GatherkitClient, type Guests, type Sessions } from "@gatherkit/sdk";

type GuestResources = { guests: Guests; sessions: Sessions; retrieve: Events["retrieve"] };
const built = new WeakMap<GatherkitClient, GuestResources>();

/**
 * The guests and sessions resources of a widget's client: a full `Gatherkit`'s own, else made
 * once per light client, so a guests widget's bundle carries only these resources of the SDK.
 */
export function guestsOf(client: GatherkitClient): GuestResources {
  const full = client as { events?: Events };
  let r = built.get(client);
  if (!r) {
    const events = full.events ?? new Events(client);
    r = { guests: events.guests, sessions: events.sessions, retrieve: events.retrieve.bind(events) };
    built.set(client, r);
  }
  return r;
}

/** `Tuesday, 2 July 2030, 20:30 – 23:30` in `timeZone`. */
export const formatWhen = (start: string, end: string, timeZone: string, locale?: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone }).formatRange(new Date(start), new Date(end));
