import { z } from "@gatherkit/core";
import { emailSuppressions, notificationDeliveries } from "@gatherkit/db";
import { and, eq, inArray } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import type { Deps } from "../../lib/types.js";
import type { SvixHeaders } from "./resend.js";

/** The part of Resend's webhook payload we act on (`{ type, created_at, data: { email_id, bounce?, … } }`). */
const ResendEvent = z.object({
  type: z.string(),
  data: z.object({
    email_id: z.string().min(1),
    bounce: z.object({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).optional(),
  }),
});

/**
 * Resend's webhook for an email we sent: verified by its Svix signature, then the email's
 * delivery log entry (found by Resend's email id) moves on:
 *
 * - `email.delivered`: delivered (from sent);
 * - `email.bounced`: bounced, with the receiving server's reason; a permanent (or unqualified)
 *   bounce adds the address to the suppression list for everyone (`*`), so no later email of any
 *   organization is sent to it;
 * - `email.complained`: the recipient marked it as spam; the address is suppressed for this
 *   organization, and the entry keeps its status with the complaint noted;
 * - `email.failed`: failed.
 *
 * Everything else (sent, opened, clicked, delivery_delayed) and emails that are not ours change nothing.
 */
export async function applyEmailEvent(deps: Deps, body: string, headers: SvixHeaders): Promise<void> {
  const verify = deps.notifications?.verifyEmailEvent;
  if (!verify) throw notFound("Email events");
  if (!(await verify(headers, body, deps.now())))
    throw new ApiError(400, "invalid_signature", "The svix-signature does not match this request (or its svix-timestamp is not recent).");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ApiError(400, "malformed_json", "The body is not JSON.");
  }
  const parsed = ResendEvent.safeParse(json);
  if (!parsed.success) throw new ApiError(400, "bad_request", "Not a Resend email event (type and data.email_id are required).");
  const { type, data } = parsed.data;
  const db = deps.db;
  const now = deps.now();
  const ours = and(
    eq(notificationDeliveries.provider, "resend"),
    eq(notificationDeliveries.providerMessageId, data.email_id),
    eq(notificationDeliveries.channel, "email"),
  );
  const [delivery] = await db.select().from(notificationDeliveries).where(ours).limit(1);
  if (!delivery) return;
  const settled = inArray(notificationDeliveries.status, ["sent", "delivered"]);
  switch (type) {
    case "email.delivered":
      await db
        .update(notificationDeliveries)
        .set({ status: "delivered", error: null, updatedAt: now })
        .where(and(ours, eq(notificationDeliveries.status, "sent")));
      return;
    case "email.failed":
      await db
        .update(notificationDeliveries)
        .set({ status: "failed", error: "Resend could not send it (email.failed)", updatedAt: now })
        .where(and(ours, settled));
      return;
    case "email.bounced": {
      const kind = data.bounce?.type ?? "Permanent";
      const permanent = kind === "Permanent";
      const reason = `bounced (${[kind, data.bounce?.subType].filter(Boolean).join(", ")})${data.bounce?.message ? `: ${data.bounce.message}` : ""}`;
      await db.batch([
        db
          .update(notificationDeliveries)
          .set({ status: "bounced", error: reason.slice(0, 1000), updatedAt: now })
          .where(and(ours, settled)),
        ...(permanent
          ? [
              db
                .insert(emailSuppressions)
                .values({
                  scope: "*",
                  address: delivery.to.toLowerCase(),
                  reason: "bounced",
                  detail: reason.slice(0, 1000),
                  deliveryId: delivery.id,
                  createdAt: now,
                })
                .onConflictDoNothing(),
            ]
          : []),
      ]);
      return;
    }
    case "email.complained":
      await db.batch([
        db
          .update(notificationDeliveries)
          .set({ error: "the recipient marked it as spam; no more email from this organization is sent to them", updatedAt: now })
          .where(ours),
        db
          .insert(emailSuppressions)
          .values({
            scope: delivery.orgId ?? "*",
            address: delivery.to.toLowerCase(),
            reason: "complained",
            detail: "email.complained",
            deliveryId: delivery.id,
            createdAt: now,
          })
          .onConflictDoNothing(),
      ]);
      return;
    default:
      return;
  }
}
