import {
  NOTIFICATION_KINDS,
  type NotificationChannel,
  type NotificationKindName,
  type NotificationPreferences,
  type UpdateNotificationPreferences,
} from "@gatherkit/core";
import { notificationPreferences } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { ApiError } from "../../lib/errors.js";
import type { Caller, Deps } from "../../lib/types.js";
import { recipientOf } from "./inbox.service.js";

type Recipient = { orgId: string; recipientId: string };

import { transactionalReason } from "./templates.js";

/**
 * A person's notification preferences: every kind, on or off per channel (inbox, email, SMS,
 * push). A row in notification_preferences is a channel turned off; the one-click unsubscribe
 * link of an email writes the same row (kind, `email`), so both show and undo each other. The
 * deliverer reads them when it sends.
 */
export const getPreferences = (deps: Pick<Deps, "db">, caller: Caller): Promise<NotificationPreferences> =>
  preferencesOf(deps, recipientOf(caller));

/** A recipient's preferences (a person with a session or token, or a guest through their personal link). */
export async function preferencesOf(deps: Pick<Deps, "db">, who: Recipient): Promise<NotificationPreferences> {
  const rows = await deps.db
    .select({ kind: notificationPreferences.kind, channel: notificationPreferences.channel })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.orgId, who.orgId), eq(notificationPreferences.recipient, who.recipientId)));
  const off = new Set(rows.map((r) => `${r.kind} ${r.channel}`));
  const on = (kind: NotificationKindName, channel: NotificationChannel) => !off.has(`${kind} ${channel}`);
  return {
    data: NOTIFICATION_KINDS.map((kind) => {
      const why = transactionalReason(kind);
      return {
        kind,
        channels: { inbox: on(kind, "inbox"), email: on(kind, "email"), sms: on(kind, "sms"), push: on(kind, "push") },
        transactional: why === false ? null : why,
      };
    }),
  };
}

/** Turns channels of kinds on or off for the caller (again is fine); answers the preferences after. */
export const updatePreferences = (
  deps: Pick<Deps, "db" | "now">,
  caller: Caller,
  input: UpdateNotificationPreferences,
): Promise<NotificationPreferences> => updatePreferencesOf(deps, recipientOf(caller), input);

export async function updatePreferencesOf(
  deps: Pick<Deps, "db" | "now">,
  who: Recipient,
  input: UpdateNotificationPreferences,
): Promise<NotificationPreferences> {
  const fixed = input.changes.find((c) => !c.enabled && transactionalReason(c.kind) !== false);
  if (fixed)
    throw new ApiError(422, "notification_kind_transactional", `${fixed.kind} cannot be turned off: ${transactionalReason(fixed.kind)}.`);
  const db = deps.db;
  const now = deps.now();
  const writes: BatchItem<"sqlite">[] = input.changes.map((c) => {
    const key = { orgId: who.orgId, recipient: who.recipientId, kind: c.kind, channel: c.channel };
    return c.enabled
      ? db
          .delete(notificationPreferences)
          .where(
            and(
              eq(notificationPreferences.orgId, key.orgId),
              eq(notificationPreferences.recipient, key.recipient),
              eq(notificationPreferences.kind, key.kind),
              eq(notificationPreferences.channel, key.channel),
            ),
          )
      : db
          .insert(notificationPreferences)
          .values({ ...key, optedOutAt: now })
          .onConflictDoNothing();
  });
  const [first, ...rest] = writes;
  await db.batch([first!, ...rest]);
  return preferencesOf(deps, who);
}
