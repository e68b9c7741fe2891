import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type { PublishableKey, PublishableKeyCreateParams, PublishableKeyUpdateParams } from "../types.js";
import { APIResource, path } from "./resource.js";

/** Publishable keys (`gk_pk_…`) are safe in web pages: public actions only, from their allowed origins. */
export class PublishableKeys extends APIResource {
  create(params: PublishableKeyCreateParams, options?: RequestOptions): Promise<PublishableKey> {
    return this._transport.request("POST", "/v1/publishable-keys", { ...options, body: params });
  }

  retrieve(id: string, options?: RequestOptions): Promise<PublishableKey> {
    return this._transport.request("GET", path`/v1/publishable-keys/${id}`, options);
  }

  list(params?: ListParams, options?: RequestOptions): PagePromise<PublishableKey> {
    return this._transport.list("/v1/publishable-keys", params, options);
  }

  /** Renames the key or replaces its allowed origins. */
  update(id: string, params: PublishableKeyUpdateParams, options?: RequestOptions): Promise<PublishableKey> {
    return this._transport.request("PATCH", path`/v1/publishable-keys/${id}`, { ...options, body: params });
  }

  /** Revokes the key and returns it with `revokedAt` set. */
  del(id: string, options?: RequestOptions): Promise<PublishableKey> {
    return this._transport.request("DELETE", path`/v1/publishable-keys/${id}`, options);
  }
}
