import type { GatherkitClient } from "../base-client.js";
import type { Transport } from "../core.js";
import { GatherkitError } from "../errors.js";

export abstract class APIResource {
  // Not enumerable (set in the constructor), so logging or serializing a client never prints its key.
  /** @internal */
  declare protected readonly _client: GatherkitClient;
  /** @internal */
  declare protected readonly _transport: Transport;

  /**
   * Usually reached through a `Gatherkit` client (`gk.plans`). On a page that needs only some
   * resources, build them over a `GatherkitClient` so the rest stays out of the bundle:
   * `const plans = new Plans(new GatherkitClient({ baseUrl, token }))`.
   */
  constructor(client: GatherkitClient) {
    Object.defineProperties(this, { _client: { value: client }, _transport: { value: client._transport } });
  }
}

/** Builds a path with each interpolated id checked and URL-encoded: path`/v1/secret-keys/${id}`. */
export function path(strings: TemplateStringsArray, ...ids: string[]): string {
  let out = strings[0] ?? "";
  ids.forEach((id, i) => {
    if (typeof id !== "string" || id === "") throw new GatherkitError(`Expected an id (a non-empty string), got ${JSON.stringify(id)}.`);
    out += encodeURIComponent(id) + (strings[i + 1] ?? "");
  });
  return out;
}
