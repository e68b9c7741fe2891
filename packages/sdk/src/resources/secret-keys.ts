import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type { CreatedSecretKey, SecretKey, SecretKeyCreateParams } from "../types.js";
import { APIResource, path } from "./resource.js";

/** Secret keys (`gk_sk_…`) act for the organization from servers. Managed by owners and admins. */
export class SecretKeys extends APIResource {
  /** Creates a key. Its `secret` is in this response only: store it now. */
  create(params: SecretKeyCreateParams, options?: RequestOptions): Promise<CreatedSecretKey> {
    return this._transport.request("POST", "/v1/secret-keys", { ...options, body: params });
  }

  retrieve(id: string, options?: RequestOptions): Promise<SecretKey> {
    return this._transport.request("GET", path`/v1/secret-keys/${id}`, options);
  }

  list(params?: ListParams, options?: RequestOptions): PagePromise<SecretKey> {
    return this._transport.list("/v1/secret-keys", params, options);
  }

  /** Revokes the key at once and returns it with `revokedAt` set. Revoking twice is harmless. */
  del(id: string, options?: RequestOptions): Promise<SecretKey> {
    return this._transport.request("DELETE", path`/v1/secret-keys/${id}`, options);
  }
}
