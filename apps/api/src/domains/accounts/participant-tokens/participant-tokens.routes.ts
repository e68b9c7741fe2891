import { CreateParticipantTokenSchema, ParticipantTokenSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../../lib/openapi.js";

export const create = createRoute({
  method: "post",
  path: "/v1/participant-tokens",
  operationId: "participantTokens.create",
  tags: ["Participants"],
  summary: "Mint a participant token for one of your users",
  description:
    "Server side, with a secret key: creates or updates the participant with your `externalId` and returns a `gk_pt_…` token your page can hand to the SDK or widgets, so your signed-in users need no second login.",
  security: security.secretKey,
  request: { body: jsonBody(CreateParticipantTokenSchema) },
  responses: {
    201: jsonResponse(ParticipantTokenSchema, "The token and the participant it stands for."),
    ...pickProblems(400, 401, 403, 409, 413, 415, 422),
  },
});
export type CreateRoute = typeof create;
