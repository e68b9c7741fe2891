import { createRoute } from "@hono/zod-openapi";
import { pickProblems } from "../../lib/openapi.js";
import { EMAIL_EVENTS_PATH } from "./config.js";

export const events = createRoute({
  method: "post",
  path: EMAIL_EVENTS_PATH,
  operationId: "notifications.emailEvents",
  tags: ["Notifications"],
  summary: "Resend's email webhooks (delivered, bounced, complained)",
  description:
    "Where Resend reports what became of each email (set this URL as a webhook in Resend and its signing secret as `RESEND_WEBHOOK_SECRET`). " +
    "Authorized by Resend's Svix signature (`svix-id`, `svix-timestamp`, `svix-signature`) over the raw body, not by a key: a missing, wrong or more than five minutes old signature answers 400 `invalid_signature`. " +
    "`email.delivered` marks the delivery log entry delivered; `email.bounced` marks it bounced with the receiving server's reason, and a permanent bounce stops all further email to that address; " +
    "`email.complained` (marked as spam) stops further email from this organization to it; `email.failed` marks it failed. Other events, and emails that are not ours, change nothing. " +
    "404 when email does not go through Resend or no webhook secret is set.",
  security: [],
  // 409/422: an Idempotency-Key still in flight, or reused with another body (as on every POST).
  responses: { 204: { description: "Applied (or nothing to change)." }, ...pickProblems(400, 401, 403, 404, 409, 413, 422) },
});
export type EventsRoute = typeof events;
