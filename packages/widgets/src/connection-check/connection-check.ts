import type { Health } from "@gatherkit/sdk";
import { html, type PropertyDeclarations } from "lit";
import { defineElement } from "../base/define.js";
import { ConfigurationError } from "../base/errors.js";
import { emit } from "../base/events.js";
import { GkElement } from "../base/gk-element.js";
import { Strings } from "../base/i18n.js";
import { CONNECTION_CHECK_LOCALES, CONNECTION_CHECK_STRINGS, type ConnectionCheckStrings } from "./connection-check.strings.js";
import { connectionCheckStyles } from "./connection-check.styles.js";

export { CONNECTION_CHECK_STRINGS, type ConnectionCheckStrings } from "./connection-check.strings.js";

/** Detail of `gk-connected`: the key works from this page. */
export interface ConnectedDetail {
  /** The page's origin, which the key allows. */
  origin: string;
  /** The API's version and runtime. */
  version: string;
  runtime: Health["runtime"];
}

declare global {
  interface GkEventDetailMap {
    "gk-connected": ConnectedDetail;
  }
  interface HTMLElementTagNameMap {
    "gk-connection-check": GkConnectionCheck;
  }
}

/**
 * Checks that a publishable key (or participant token) works from this page: the API is
 * reachable at `api-base`, the key exists and is not revoked, and this page's origin is one of
 * the key's allowed origins. Put it on a page while setting up Gatherkit; on failure it shows the
 * API's explanation (for example which origin to add to the key) and a Retry button.
 *
 * ```html
 * <gk-connection-check api-base="https://api.example.com" publishable-key="gk_pk_…"></gk-connection-check>
 * ```
 *
 * @tag gk-connection-check
 * @summary Shows whether a publishable key works from this page's origin.
 *
 * @event {CustomEvent<ConnectedDetail>} gk-connected - The key works from this origin.
 * @event {CustomEvent<GkErrorDetail>} gk-error - The check failed; `detail.code` is e.g. `origin_not_allowed`, `invalid_token` or `key_revoked`.
 *
 * @csspart status - The "Connected" line.
 * @csspart details - The API version under it.
 */
export class GkConnectionCheck extends GkElement {
  static override styles = [GkElement.styles, connectionCheckStyles];
  static override properties: PropertyDeclarations = { strings: { attribute: false } };

  /** Sentences in your own words, over the locale's (see `CONNECTION_CHECK_STRINGS`). Property only. */
  declare strings: Partial<ConnectionCheckStrings>;
  readonly #s = new Strings(this, CONNECTION_CHECK_STRINGS, CONNECTION_CHECK_LOCALES);

  constructor() {
    super();
    this.strings = {};
  }

  readonly #check = this.load(
    () => [this.token || this.publishableKey] as const,
    async (gk, [credential], { signal }) => {
      if (!credential) {
        throw new ConfigurationError(`<${this.localName}> needs the publishable-key (or token) attribute to check.`);
      }
      // Health needs no credential, but checks one that is sent: existence, revocation, origin.
      const health = await gk.health({ signal, headers: { authorization: `Bearer ${credential}` } });
      emit(this, "gk-connected", { origin: location.origin, version: health.version, runtime: health.runtime });
      return health;
    },
  );

  override render() {
    const s = this.#s.value;
    return this.renderTask(this.#check, {
      isEmpty: () => false,
      messages: { loading: s.loading, loaded: s.loaded },
      complete: (health) => html`<p part="status">
        <span class="icon" aria-hidden="true">✓</span>
        <span>
          ${s.connected(location.origin)}
          <span part="details">${s.api(health.version, health.runtime)}</span>
        </span>
      </p>`,
    });
  }
}

defineElement("gk-connection-check", GkConnectionCheck);
