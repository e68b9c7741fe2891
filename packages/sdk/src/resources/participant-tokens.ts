import type { RequestOptions } from "../core.js";
import type { ParticipantToken, ParticipantTokenCreateParams } from "../types.js";
import { APIResource } from "./resource.js";

/** Participant tokens let your own signed-in users act in Gatherkit without a second login. */
export class ParticipantTokens extends APIResource {
  /**
   * Mints a token (`gk_pt_…`) for one of your users, creating or updating the participant
   * with that `externalId`. Secret keys only: call this from your server.
   */
  create(params: ParticipantTokenCreateParams, options?: RequestOptions): Promise<ParticipantToken> {
    return this._transport.request("POST", "/v1/participant-tokens", { ...options, body: params });
  }
}
