import { type GatherkitClient, Places } from "@gatherkit/sdk";

const built = new WeakMap<GatherkitClient, Places>();

/**
 * The places resource of a widget's client. A full `Gatherkit` (a `client` property a page passed)
 * has it; for the light client a widget builds from its attributes it is made once per client, so
 * a places widget's bundle carries only this resource of the SDK.
 */
export function placesOf(client: GatherkitClient): Places {
  const full = client as { places?: Places };
  if (full.places) return full.places;
  let places = built.get(client);
  if (!places) {
    places = new Places(client);
    built.set(client, places);
  }
  return places;
}
