import { ApiError } from "../../../lib/errors.js";
import { verifyApiToken } from "../../../lib/tokens.js";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { CreateRoute, JoinRoute, ListRoute, PreviewRoute, RevokeRoute } from "./invites.routes.js";
import * as service from "./invites.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) =>
  c.json(await service.createInvite(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("json")), 201);

export const list: AppRouteHandler<ListRoute> = async (c) =>
  c.json(await service.listInvites(c.var.deps, c.var.caller, c.req.valid("param").planId, c.req.valid("query")), 200);

export const revoke: AppRouteHandler<RevokeRoute> = async (c) => {
  const { planId, inviteId } = c.req.valid("param");
  return c.json(await service.revokeInvite(c.var.deps, c.var.caller, planId, inviteId), 200);
};

export const preview: AppRouteHandler<PreviewRoute> = async (c) =>
  c.json(await service.previewInvite(c.var.deps, c.var.caller, c.req.valid("param").code), 200);

export const join: AppRouteHandler<JoinRoute> = async (c) => {
  const body = c.req.valid("json");
  const caller = c.var.caller;
  let joiner: service.Joiner = { kind: "new", name: body.name, email: body.email };
  if (caller?.kind === "participant") {
    // The participant joins as themself and keeps using the token they sent (its lifetime is the host's choice).
    const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) throw new ApiError(401, "invalid_token", "Send the participant token as Authorization: Bearer <token>.");
    const claims = await verifyApiToken(c.var.config, token);
    const exp = (claims as { exp?: number }).exp ?? 0;
    joiner = { kind: "participant", participantId: caller.participantId, token: { token, expiresAt: new Date(exp * 1000) } };
  }
  return c.json(await service.joinPlan(c.var.deps, caller, c.req.valid("param").code, joiner), 201);
};
