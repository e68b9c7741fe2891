import type { Participant, ParticipantToken } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { participants } from "@gatherkit/db";
import { sql } from "drizzle-orm";
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
 */
export async function createParticipantToken(
  deps: Deps,
  orgId: string,
  input: { externalId: string; name: string; email?: string; ttlSeconds: number },
): Promise<ParticipantToken> {
  const now = deps.now();
  const [row] = await deps.db
    .insert(participants)
    .values({ id: newId("participant"), orgId, externalId: input.externalId, name: input.name, email: input.email ?? null, createdAt: now })
    .onConflictDoUpdate({
      target: [participants.orgId, participants.externalId],
      set: { name: sql`excluded.name`, email: sql`coalesce(excluded.email, ${participants.email})` },
    })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  const { token, expiresAt } = await signParticipantToken(deps.config, { sub: row.id, org: orgId, name: row.name }, input.ttlSeconds, now);
  return { token, expiresAt: expiresAt.toISOString(), participant: toParticipant(row) };
}
