import { assertCan, assertMessageLive, assertPlanAllows, type ChatMessage, can, newId, type Page, type PageQuery } from "@gatherkit/core";
import { chatMessages, participants } from "@gatherkit/db";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { requireCaller } from "../../../lib/auth.js";
import { ApiError, notFound } from "../../../lib/errors.js";
import { insertWhen, previousStatementChanged } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { paginate } from "../../../lib/pagination.js";
import { countRefusedWrite, countWriteInBatch } from "../../../lib/rate-limit.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { actingParticipant, loadPlan, type PlanAccess, requirePlan } from "../access.js";
import { enqueuePlanEvent } from "../events.js";

/**
 * Plan chat. Messages are stored and paged newest first; typing indicators and presence are
 * not stored: they live in the plan's room only. Every change is published to the room as
 * `plan.message_changed` in the same batch as the write.
 */

const messageColumns = {
  id: chatMessages.id,
  planId: chatMessages.planId,
  authorParticipantId: chatMessages.authorParticipantId,
  authorName: participants.name,
  body: chatMessages.body,
  createdAt: chatMessages.createdAt,
  editedAt: chatMessages.editedAt,
  deletedAt: chatMessages.deletedAt,
  hiddenAt: chatMessages.hiddenAt,
};
export type MessageView = {
  id: string;
  planId: string;
  authorParticipantId: string;
  authorName: string;
  body: string | null;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  hiddenAt: number | null;
};

/** The message as the API shows it; a hidden one without its body unless `reveal` (for organizers). */
function toMessage(m: MessageView, reveal = true): ChatMessage {
  return {
    id: m.id,
    planId: m.planId,
    authorParticipantId: m.authorParticipantId,
    authorName: m.authorName,
    body: m.deletedAt === null && (m.hiddenAt === null || reveal) ? m.body : null,
    createdAt: toIso(m.createdAt),
    editedAt: toIso(m.editedAt),
    deletedAt: toIso(m.deletedAt),
    hiddenAt: toIso(m.hiddenAt),
  };
}

type MessageChange = "created" | "edited" | "deleted" | "hidden" | "unhidden";

// The room holds participants too: a hidden message's body never travels in a broadcast.
const messageChanged = (change: MessageChange, m: MessageView) => ({
  type: "plan.message_changed" as const,
  data: { change, message: toMessage(m, false) },
});

/**
 * The plan's messages, newest first; deleted ones stay in the history without their body.
 * Hidden ones are listed (with their body and `hiddenAt`) only to who may moderate: organizers
 * and staff. Participants do not get them at all, so nothing of them shows in their chat.
 */
export async function listMessages(deps: Deps, caller: Caller | null, planId: string, page: PageQuery): Promise<Page<ChatMessage>> {
  const access = await requirePlan(deps, caller, planId, "read");
  const moderator = can(access.plan.type, access.role, "moderate_messages");
  const db = deps.db;
  return paginate(
    chatMessages,
    page,
    (p) =>
      db
        .select(messageColumns)
        .from(chatMessages)
        .innerJoin(participants, eq(participants.id, chatMessages.authorParticipantId))
        .where(and(eq(chatMessages.planId, planId), moderator ? undefined : isNull(chatMessages.hiddenAt), p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (m) => toMessage(m),
  );
}

/**
 * Posts a message as the calling participant (staff post through a participant token). The
 * caller's chat rate limit is counted in the message's own batch (`countWriteInBatch`): one
 * commit for the counter, the message and its outbox row, the message written only within the limit.
 */
export async function postMessage(deps: Deps, caller: Caller | null, planId: string, input: { body: string }): Promise<ChatMessage> {
  let who: Caller;
  let access: PlanAccess;
  let author: string;
  let authorName: string;
  try {
    who = requireCaller({ var: { caller } }, "user", "secret_key", "participant", "publishable_key");
    access = await requirePlan(deps, who, planId, "chat");
    author = actingParticipant(access, "chat");
    assertPlanAllows(access.plan.status, "chat");
    if (access.participantName === null) throw notFound("Participant");
    authorName = access.participantName;
  } catch (err) {
    // Refused before the write: counted on its own, as every attempt is (429 first when over).
    return countRefusedWrite(deps, caller, "chat", err);
  }
  const db = deps.db;
  const view: MessageView = {
    id: newId("message"),
    planId,
    authorParticipantId: author,
    authorName,
    body: input.body,
    createdAt: deps.now(),
    editedAt: null,
    deletedAt: null,
    hiddenAt: null,
  };
  const message = toMessage(view);
  const limit = countWriteInBatch(deps, who, "chat");
  answerOnCommit(deps, 201, message, sql`EXISTS (SELECT 1 FROM ${chatMessages} WHERE ${chatMessages.id} = ${view.id})`);
  return guardedWrite(
    deps,
    [
      limit.count,
      insertWhen(
        db,
        chatMessages,
        { id: view.id, orgId: access.plan.orgId, planId, authorParticipantId: author, body: view.body, createdAt: view.createdAt },
        limit.within,
      ),
      enqueuePlanEvent(deps, access.plan.orgId, planId, messageChanged("created", view), previousStatementChanged),
    ],
    {
      written: ([counted]) => (limit.refusal(counted) ? undefined : message),
      // Within the limit the guard lets the message through, so this is the 429.
      explain: async ([counted]) => {
        throw (
          limit.refusal(counted) ?? new ApiError(409, "conflict", "The rate limit's window changed while this message was written. Retry.")
        );
      },
    },
  );
}

/** The message and the caller's access; 404 for a message that is not in this plan (after the read check). */
async function loadMessage(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  messageId: string,
): Promise<{ access: PlanAccess; message: MessageView }> {
  const access = await loadPlan(deps, caller, planId);
  const [message] = await deps.db
    .select(messageColumns)
    .from(chatMessages)
    .innerJoin(participants, eq(participants.id, chatMessages.authorParticipantId))
    .where(and(eq(chatMessages.id, messageId), eq(chatMessages.planId, planId)))
    .limit(1);
  if (!message) {
    assertCan(access.plan.type, access.role, "read");
    throw notFound("Message");
  }
  return { access, message };
}

const isAuthor = (access: PlanAccess, m: MessageView) => access.role !== null && access.participantId === m.authorParticipantId;

/**
 * Edits one's own message (nobody rewrites someone else's words); a deleted message stays deleted
 * (409 `message_deleted`), a hidden one stays as the organizer hid it (409 `message_hidden`).
 */
export async function editMessage(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  messageId: string,
  input: { body: string },
): Promise<ChatMessage> {
  const { access, message } = await loadMessage(deps, caller, planId, messageId);
  assertCan(access.plan.type, access.role, "edit_message", { isOwner: isAuthor(access, message) });
  assertPlanAllows(access.plan.status, "chat");
  assertMessageLive(message);
  if (message.hiddenAt !== null) throw messageHidden();
  const edited: MessageView = { ...message, body: input.body, editedAt: deps.now() };
  return toMessage(await applyMessageChange(deps, access.plan.orgId, edited, "edited"));
}

/** Deletes a message (its author, or an organizer): the row stays as a tombstone, its body is gone. */
export async function deleteMessage(deps: Deps, caller: Caller | null, planId: string, messageId: string): Promise<void> {
  const { access, message } = await loadMessage(deps, caller, planId, messageId);
  assertCan(access.plan.type, access.role, "delete_message", { isOwner: isAuthor(access, message) });
  assertPlanAllows(access.plan.status, "chat");
  assertMessageLive(message);
  await applyMessageChange(deps, access.plan.orgId, { ...message, body: null, deletedAt: deps.now() }, "deleted");
}

const messageHidden = () => new ApiError(409, "message_hidden", "An organizer hid this message; it cannot be edited while hidden.");

/**
 * Writes an edit or a deletion only while the message is not deleted (an edit: nor hidden), with
 * its event in the same batch and only if the write happened: an edit racing a deletion or a
 * hiding can never publish the body they removed. The loser answers 409 `message_deleted` or
 * `message_hidden`.
 */
export async function applyMessageChange(deps: Deps, orgId: string, next: MessageView, change: "edited" | "deleted"): Promise<MessageView> {
  const db = deps.db;
  return guardedWrite(
    deps,
    [
      db
        .update(chatMessages)
        .set({ body: next.body, editedAt: next.editedAt, deletedAt: next.deletedAt })
        .where(
          and(
            eq(chatMessages.id, next.id),
            eq(chatMessages.planId, next.planId),
            isNull(chatMessages.deletedAt),
            change === "edited" ? isNull(chatMessages.hiddenAt) : undefined,
          ),
        )
        .returning({ id: chatMessages.id }),
      enqueuePlanEvent(deps, orgId, next.planId, messageChanged(change, next), previousStatementChanged),
    ],
    {
      written: ([updated]) => (updated.length > 0 ? next : undefined),
      explain: async () => {
        const [now] = await db.select({ deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, next.id));
        if (now?.deletedAt === null) throw messageHidden();
        throw new ApiError(409, "message_deleted", "This message was deleted meanwhile.");
      },
    },
  );
}

/**
 * Hides a message from the plan's participants, or shows it again (organizers and staff: chat
 * moderation). A conditional UPDATE (not deleted, and not already in that state) with its room
 * event in the same batch; asking for the state it is already in answers the message as it is,
 * and a deleted message answers 409 `message_deleted`. The `hidden` event carries no body (the
 * room holds participants); `unhidden` carries the message so open chats put it back.
 */
export async function setHidden(
  deps: Deps,
  caller: Caller | null,
  planId: string,
  messageId: string,
  hidden: boolean,
): Promise<ChatMessage> {
  const { access, message } = await loadMessage(deps, caller, planId, messageId);
  assertCan(access.plan.type, access.role, "moderate_messages");
  assertPlanAllows(access.plan.status, "chat");
  assertMessageLive(message);
  if ((message.hiddenAt !== null) === hidden) return toMessage(message);
  const db = deps.db;
  const now = deps.now();
  const next: MessageView = { ...message, hiddenAt: hidden ? now : null };
  answerOnCommit(
    deps,
    200,
    toMessage(next),
    hidden
      ? sql`EXISTS (SELECT 1 FROM ${chatMessages} WHERE ${chatMessages.id} = ${messageId} AND ${chatMessages.hiddenAt} = ${now})`
      : sql`EXISTS (SELECT 1 FROM ${chatMessages} WHERE ${chatMessages.id} = ${messageId} AND ${chatMessages.hiddenAt} IS NULL AND ${chatMessages.deletedAt} IS NULL)`,
  );
  return guardedWrite(
    deps,
    [
      db
        .update(chatMessages)
        .set({ hiddenAt: next.hiddenAt })
        .where(
          and(
            eq(chatMessages.id, messageId),
            eq(chatMessages.planId, planId),
            isNull(chatMessages.deletedAt),
            hidden ? isNull(chatMessages.hiddenAt) : isNotNull(chatMessages.hiddenAt),
          ),
        )
        .returning({ id: chatMessages.id }),
      enqueuePlanEvent(deps, access.plan.orgId, planId, messageChanged(hidden ? "hidden" : "unhidden", next), previousStatementChanged),
    ],
    {
      written: ([updated]) => (updated.length > 0 ? toMessage(next) : undefined),
      // Deleted meanwhile (409), or someone else did the same at the same time: answer it as it is.
      explain: async () => {
        const again = await loadMessage(deps, caller, planId, messageId);
        assertMessageLive(again.message);
        return toMessage(again.message);
      },
    },
  );
}
