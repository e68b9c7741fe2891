import { CreateRoomTokenSchema, RoomTokenSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pickProblems, security } from "../../lib/openapi.js";

export const createToken = createRoute({
  method: "post",
  path: "/v1/realtime/tokens",
  operationId: "realtime.tokens.create",
  tags: ["Realtime"],
  summary: "Get a short-lived token to join a room",
  description:
    "Rooms carry live updates for one object: `org:<id>` (the organization's own feed, for its organizers), and `plan:…`, `event:…`, `place:…` as those objects arrive. " +
    "Connect with partysocket to `host`, party `party`, room `room`, passing `token` as the `token` query parameter; ask again for each reconnect. " +
    "A room you may not see answers 404, like any object outside your organization.",
  security: security.any,
  request: { body: jsonBody(CreateRoomTokenSchema) },
  responses: {
    201: jsonResponse(RoomTokenSchema, "The room token, where to connect, and when the token expires."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
export type CreateTokenRoute = typeof createToken;
