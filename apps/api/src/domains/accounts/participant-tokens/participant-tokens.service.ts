import type { Participant, ParticipantToken } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { participants } from "@gatherkit/db";
import { and, eq, sql } from "drizzle-orm";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { toIso } from "../../../lib/time.js";
import { signParticipantToken } from "../../../lib/tokens.js";
import type { Deps } from "../../../lib/types.js";

type Row = typeof participants.$inferSelect;
export const toParticipant = (r: Row): Participant => ({
  id: r.id,
  externalId: r.externalId,
  name: r.name,
  email: r.email,
  createdAt: toIso(r.createdAt),
});

/**
 * Creates or updates the participant the host site knows as `externalId` (one atomic upsert on
 * the unique (org, external id) index, so concurrent calls agree on one participant), then
 * signs a participant token for them. An omitted email keeps the stored one.
 *
 * The answer is known before the write (the participant as it will be after the upsert, and
 * its token), so it is sealed with it (`answerOnCommit`): a retry after a crash between the two
 * gets this token. Sealed only if the upsert really left that participant (a concurrent first
 * call for the same external id may have created it with another id: then nothing is sealed).
 */
export async function createParticipantToken(
  deps: Deps,
  orgId: string,
  input: { externalId: string; name: string; email?: string; ttlSeconds: number },
): Promise<ParticipantToken> {
  const now = deps.now();
  const [existing] = await deps.db
    .select()
    .from(participants)
    .where(and(eq(participants.orgId, orgId), eq(participants.externalId, input.externalId)))
    .limit(1);
  const expected: Row = {
    ...(existing ?? { id: newId("participant"), orgId, externalId: input.externalId, createdAt: now, email: null }),
    name: input.name,
    email: input.email ?? existing?.email ?? null,
  };
  const signed = await signParticipantToken(deps.config, { sub: expected.id, org: orgId, name: expected.name }, input.ttlSeconds, now);
  const answer = (row: Row, t: typeof signed): ParticipantToken => ({
    token: t.token,
    expiresAt: t.expiresAt.toISOString(),
    participant: toParticipant(row),
  });
  answerOnCommit(
    deps,
    201,
    answer(expected, signed),
    sql`EXISTS (SELECT 1 FROM ${participants} WHERE ${participants.id} = ${expected.id} AND ${participants.name} = ${expected.name} AND ${participants.email} IS ${expected.email})`,
  );
  const [row] = await deps.db
    .insert(participants)
    .values({ id: expected.id, orgId, externalId: input.externalId, name: input.name, email: input.email ?? null, createdAt: now })
    .onConflictDoUpdate({
      target: [participants.orgId, participants.externalId],
      set: { name: sql`excluded.name`, email: sql`coalesce(excluded.email, ${participants.email})` },
    })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  if (row.id === expected.id && row.name === expected.name && row.email === expected.email) return answer(row, signed);
  // Another call got in between (created or changed the participant): answer what is there.
  return answer(row, await signParticipantToken(deps.config, { sub: row.id, org: orgId, name: row.name }, input.ttlSeconds, now));
}
