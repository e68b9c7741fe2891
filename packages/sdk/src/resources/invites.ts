import type { RequestOptions } from "../core.js";
import type { InviteJoinParams, InvitePreview, JoinPlanResult } from "../types.js";
import { APIResource, path } from "./resource.js";

/** Invite links, as the people who follow them see them (a publishable key is enough). */
export class Invites extends APIResource {
  /** What the link leads to before joining: the plan, its organizer and whether the link still works. */
  retrieve(code: string, options?: RequestOptions): Promise<InvitePreview> {
    return this._transport.request("GET", path`/v1/invites/${code}`, options);
  }

  /**
   * Joins the invite's plan. With a publishable key, a new participant called `name` joins and
   * gets a participant token: act as them with a client made from it,
   * `new Gatherkit({ baseUrl, token: result.token })`. With a participant token, that
   * participant joins (no `name` needed) and the same token comes back. Joining again answers
   * the existing membership.
   */
  join(code: string, params: InviteJoinParams = {}, options?: RequestOptions): Promise<JoinPlanResult> {
    return this._transport.request("POST", path`/v1/invites/${code}/join`, { ...options, body: params });
  }
}
