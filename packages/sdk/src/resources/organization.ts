import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type {
  AcceptedInvitation,
  InvitationAcceptParams,
  Member,
  MemberCreateParams,
  MemberInvitation,
  MemberUpdateParams,
  Organization,
  OrganizationOverview,
  OrganizationUpdateParams,
} from "../types.js";
import { APIResource, path } from "./resource.js";

/** The caller's organization and its members. */
export class OrganizationResource extends APIResource {
  readonly members: Members = new Members(this._client);
  readonly invitations: Invitations = new Invitations(this._client);

  retrieve(options?: RequestOptions): Promise<Organization> {
    return this._transport.request("GET", "/v1/organization", options);
  }

  /** Staff: the key numbers (plans, events, sales and revenue, RSVPs, bookings; the last 30 days by day). */
  overview(options?: RequestOptions): Promise<OrganizationOverview> {
    return this._transport.request("GET", "/v1/organization/overview", options);
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

  /**
   * Emails an invitation to join as admin or staff; the person becomes a member when they accept
   * it (`gk.organization.invitations.accept`). Owners and admins only.
   */
  create(params: MemberCreateParams, options?: RequestOptions): Promise<MemberInvitation> {
    return this._transport.request("POST", "/v1/organization/members", { ...options, body: params });
  }

  /** Changes a member's role. Owners and admins move people between staff and admin; only an owner signed in (not a key) makes or changes an owner. */
  update(id: string, params: MemberUpdateParams, options?: RequestOptions): Promise<Member> {
    return this._transport.request("PATCH", path`/v1/organization/members/${id}`, { ...options, body: params });
  }

  /** Removes a member (an owner: only by an owner signed in). The last owner cannot be removed. */
  async del(id: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/organization/members/${id}`, options);
  }
}

/** Member invitations: pending ones (owners and admins), and accepting one (the invited person, signed in). */
export class Invitations extends APIResource {
  /** Pending invitations, newest first. */
  list(params?: ListParams, options?: RequestOptions): PagePromise<MemberInvitation> {
    return this._transport.list("/v1/organization/invitations", params, options);
  }

  /** Revokes a pending invitation: its emailed token stops working. */
  del(id: string, options?: RequestOptions): Promise<MemberInvitation> {
    return this._transport.request("DELETE", path`/v1/organization/invitations/${id}`, options);
  }

  /** Accepts the invitation whose emailed `token` this is, as the signed-in organizer it was sent to. */
  accept(params: InvitationAcceptParams, options?: RequestOptions): Promise<AcceptedInvitation> {
    return this._transport.request("POST", "/v1/member-invitations/accept", { ...options, body: params });
  }
}
