import { createRoute } from "@hono/zod-openapi";
import { pickProblems } from "../../lib/openapi.js";
import { SMS_STATUS_PATH } from "./config.js";

export const status = createRoute({
  method: "post",
  path: SMS_STATUS_PATH,
  operationId: "notifications.smsStatus",
  tags: ["Notifications"],
  summary: "Twilio's SMS status callback",
  description:
    "Where Twilio reports what became of each SMS (its `StatusCallback`, form encoded). Authorized by `X-Twilio-Signature` over this URL and the parameters, not by a key: a missing or wrong signature answers 400 `invalid_signature`. " +
    "`delivered` marks the delivery log entry delivered; `undelivered` or `failed` marks it failed with Twilio's error code. 404 when SMS do not go through Twilio.",
  security: [],
  // 409/422: an Idempotency-Key still in flight, or reused with another body (as on every POST).
  responses: { 204: { description: "Applied (or nothing to change)." }, ...pickProblems(400, 401, 403, 404, 409, 413, 422) },
});
export type StatusRoute = typeof status;
