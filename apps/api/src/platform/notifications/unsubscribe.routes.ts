import { z } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { pickProblems } from "../../lib/openapi.js";

const params = z.object({
  token: z
    .string()
    .min(10)
    .max(1000)
    .openapi({ param: { name: "token", in: "path" }, description: "From the email's unsubscribe link." }),
});
const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

export const confirm = createRoute({
  method: "get",
  path: "/v1/unsubscribe/{token}",
  operationId: "unsubscribe.confirm",
  tags: ["Notifications"],
  summary: "The page an email's unsubscribe link opens",
  description:
    "Shows a button that unsubscribes; opening the link alone changes nothing. No sign-in needed: the link is signed. (Credentials are not needed; bad ones are still refused with 401/403.)",
  security: [],
  request: { params },
  responses: { 200: html("The confirmation page."), ...pickProblems(400, 401, 403) },
});
export type ConfirmRoute = typeof confirm;

export const unsubscribe = createRoute({
  method: "post",
  path: "/v1/unsubscribe/{token}",
  operationId: "unsubscribe.create",
  tags: ["Notifications"],
  summary: "Unsubscribe with one click (RFC 8058)",
  description:
    "What mail clients POST for `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (the body, if any, is ignored), and what the confirmation page's button sends. " +
    "Turns off that kind of email for that recipient; again is fine. A link that was changed answers 400 `unsubscribe_link_invalid`.",
  security: [],
  request: { params },
  // 409/422: an Idempotency-Key still in flight, or reused with another body (as on every POST).
  responses: { 200: html("Unsubscribed."), ...pickProblems(400, 401, 403, 409, 413, 422) },
});
export type UnsubscribeRoute = typeof unsubscribe;
