import { type GatherkitClient, Invites, Plans } from "@gatherkit/sdk";

/** The SDK resources the plan widgets call: `plans` (and its nested resources) and `invites`. */
export interface PlanClient {
  readonly plans: Plans;
  readonly invites: Invites;
}

const built = new WeakMap<GatherkitClient, PlanClient>();

/**
 * The plan resources of a widget's client. A full `Gatherkit` (a `client` property a page passed)
 * has them; for the light client a widget builds from its attributes they are made once per client,
 * so a plan widget's bundle carries only these resources of the SDK.
 */
export function planClient(client: GatherkitClient): PlanClient {
  const full = client as Partial<PlanClient>;
  if (full.plans && full.invites) return full as PlanClient;
  let api = built.get(client);
  if (!api) {
    api = { plans: new Plans(client), invites: new Invites(client) };
    built.set(client, api);
  }
  return api;
}
