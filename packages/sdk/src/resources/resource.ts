import type { Transport } from "../core.js";
import { GatherkitError } from "../errors.js";

export abstract class APIResource {
  /** @internal */
  protected readonly _transport: Transport;

  /** @internal Resources are reached through a `Gatherkit` client, not built directly. */
  constructor(transport: Transport) {
    this._transport = transport;
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
