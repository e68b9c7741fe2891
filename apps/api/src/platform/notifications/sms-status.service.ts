import { notificationDeliveries } from "@gatherkit/db";
import { and, eq, inArray } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import type { Deps } from "../../lib/types.js";
import { SMS_STATUS_PATH } from "./config.js";

/**
 * Twilio's status callback for an SMS we sent: verified by `X-Twilio-Signature` (HMAC-SHA1 with
 * the auth token over the URL we gave it and the form parameters), then the message's delivery
 * log entry moves to `delivered`, or `failed` with Twilio's error code (`undelivered`, `failed`).
 * Other statuses (queued, sending, sent) change nothing, and neither does a message that is not
 * ours or no longer waiting for its outcome.
 */
export async function applySmsStatus(deps: Deps, body: string, signature: string | undefined): Promise<void> {
  const verify = deps.notifications?.verifySmsStatus;
  if (!verify) throw notFound("SMS status callback");
  const params = new URLSearchParams(body);
  const url = `${deps.config.publicUrl.replace(/\/+$/, "")}${SMS_STATUS_PATH}`;
  if (!signature || !(await verify(url, params, signature)))
    throw new ApiError(400, "invalid_signature", "X-Twilio-Signature does not match this request.");
  const sid = params.get("MessageSid") ?? params.get("SmsSid");
  const status = params.get("MessageStatus") ?? params.get("SmsStatus");
  if (!sid || !status) return;
  const outcome =
    status === "delivered"
      ? { status: "delivered" as const, error: null }
      : status === "failed" || status === "undelivered"
        ? { status: "failed" as const, error: `Twilio: ${status}${params.get("ErrorCode") ? ` (error ${params.get("ErrorCode")})` : ""}` }
        : undefined;
  if (!outcome) return;
  await deps.db
    .update(notificationDeliveries)
    .set({ ...outcome, updatedAt: deps.now() })
    .where(
      and(
        eq(notificationDeliveries.provider, "twilio"),
        eq(notificationDeliveries.providerMessageId, sid),
        eq(notificationDeliveries.channel, "sms"),
        inArray(notificationDeliveries.status, ["sent", "delivered"]),
      ),
    );
}
