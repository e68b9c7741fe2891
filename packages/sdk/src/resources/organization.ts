import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type { Member, MemberCreateParams, MemberUpdateParams, Organization, OrganizationUpdateParams } from "../types.js";
import { APIResource, path } from "./resource.js";

/** The caller's organization and its members. */
export class OrganizationResource extends APIResource {
  readonly members: Members = new Members(this._client);

  retrieve(options?: RequestOptions): Promise<Organization> {
    return this._transport.request("GET", "/v1/organization", options);
  }

  /** Owners and admins only. */
  update(params: OrganizationUpdateParams, options?: RequestOptions): Promise<Organization> {
    return this._transport.request("PATCH", "/v1/organization", { ...options, body: params });
  }
}

export class Members extends APIResource {
  list(params?: ListParams, options?: RequestOptions): PagePromise<Member> {
    return this._transport.list("/v1/organization/members", params, options);
  }

  /** Adds an existing user by email as an admin or staff member. Owners and admins only. */
  create(params: MemberCreateParams, options?: RequestOptions): Promise<Member> {
    return this._transport.request("POST", "/v1/organization/members", { ...options, body: params });
  }

  /** Changes a member's role. Owners only (admins may set staff or admin). */
  update(id: string, params: MemberUpdateParams, options?: RequestOptions): Promise<Member> {
    return this._transport.request("PATCH", path`/v1/organization/members/${id}`, { ...options, body: params });
  }

  /** Removes a member. The last owner cannot be removed. */
  async del(id: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/organization/members/${id}`, options);
  }
}
