import { type GatherkitClient, Guests, Sessions } from "@gatherkit/sdk";

const built = new WeakMap<GatherkitClient, { guests: Guests; sessions: Sessions }>();

/**
 * The guests and sessions resources of a widget's client: a full `Gatherkit`'s own, else made
 * once per light client, so a guests widget's bundle carries only these resources of the SDK.
 */
export function guestsOf(client: GatherkitClient): { guests: Guests; sessions: Sessions } {
  const full = client as { events?: { guests: Guests; sessions: Sessions } };
  if (full.events) return full.events;
  let r = built.get(client);
  if (!r) {
    r = { guests: new Guests(client), sessions: new Sessions(client) };
    built.set(client, r);
  }
  return r;
}

/** `Tuesday, 2 July 2030, 20:30 – 23:30` in `timeZone`. */
export const formatWhen = (start: string, end: string, timeZone: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short", timeZone }).formatRange(new Date(start), new Date(end));
