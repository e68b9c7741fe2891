import { calendarClients, calendarOauthStates, members, users } from "@gatherkit/db";
import { and, desc, eq, isNotNull, like } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../../lib/types.js";
import { notificationWrites, renderNotification } from "../../platform/notifications/index.js";

/**
 * Who hears that a client's Google connection stopped working: the organizer who connected it
 * (the user the last used consent was issued to, if they are still a member), else the
 * organization's owners. Each gets an inbox item and an email that say how to reconnect.
 */
export async function connectionInvalidNotifications(deps: Deps, orgId: string, clientId: string): Promise<BatchItem<"sqlite">[]> {
  const [client] = await deps.db
    .select({ name: calendarClients.name })
    .from(calendarClients)
    .where(eq(calendarClients.id, clientId))
    .limit(1);
  const [last] = await deps.db
    .select({ issuedTo: calendarOauthStates.issuedTo })
    .from(calendarOauthStates)
    .where(
      and(eq(calendarOauthStates.clientId, clientId), isNotNull(calendarOauthStates.usedAt), like(calendarOauthStates.issuedTo, "user:%")),
    )
    .orderBy(desc(calendarOauthStates.usedAt))
    .limit(1);
  const people = deps.db.select({ id: users.id, email: users.email }).from(members).innerJoin(users, eq(users.id, members.userId));
  let recipients = last ? await people.where(and(eq(members.orgId, orgId), eq(users.id, last.issuedTo.slice("user:".length)))) : [];
  if (recipients.length === 0) recipients = await people.where(and(eq(members.orgId, orgId), eq(members.role, "owner")));
  // Rendered by the notifications platform's template (HTML and text email, inbox), which escapes the client's name.
  const rendered = renderNotification("calendar_connection_invalid", { clientName: client?.name ?? clientId, clientId });
  const writes: BatchItem<"sqlite">[] = [];
  for (const r of recipients) {
    writes.push(
      ...(await notificationWrites(
        deps.db,
        {
          orgId,
          recipientId: r.id,
          kind: "calendar_connection_invalid",
          title: rendered.inbox.title,
          body: rendered.inbox.body,
          subjectId: clientId,
          email: { to: r.email, ...rendered.email },
        },
        deps.now(),
      )),
    );
  }
  return writes;
}
