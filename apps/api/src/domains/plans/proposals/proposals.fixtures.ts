import { type Plan, type Proposal, PublishedEventSchema, type Tally } from "@gatherkit/core";
import { outbox } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { createParticipantToken, expectStatus, type TestOrg } from "../../../../test/fixtures.js";
import { call, type TestApp } from "../../../../test/harness.js";
import { joinPlan, newPlan } from "../../../../test/plan-fixtures.js";

/**
 * What the tests of proposals, votes, commitments and finalizing share: paths, and helpers that
 * go through the public API of the suite's app (`app()` is read at call time, so a suite can
 * create its app in `beforeAll`).
 *
 *   const { propose, vote, planWith } = proposalHelpers(() => t);
 */

export type Member = Awaited<ReturnType<typeof joinPlan>>;
export type Page<T> = { data: T[]; nextCursor: string | null };

export const url = (plan: { id: string }, rest = "") => `/v1/plans/${plan.id}${rest}`;
export const propUrl = (plan: { id: string }, p: { id: string }, rest = "") => url(plan, `/proposals/${p.id}${rest}`);

export function proposalHelpers(app: () => TestApp) {
  async function propose(plan: Plan, token: string, body: Record<string, unknown> = {}): Promise<Proposal> {
    return expectStatus<Proposal>(
      await call(app(), "POST", url(plan, "/proposals"), { token, body: { title: "Sunset sail", ...body } }),
      201,
    );
  }
  const vote = (plan: Plan, p: { id: string }, token: string, value: "yes" | "maybe" | "no") =>
    call(app(), "PUT", propUrl(plan, p, "/vote"), { token, body: { value } });
  const getProposal = async (plan: Plan, p: { id: string }, token: string) =>
    expectStatus<Proposal>(await call(app(), "GET", propUrl(plan, p), { token }), 200);
  const tallies = async (plan: Plan, token: string) =>
    expectStatus<{ data: Tally[] }>(await call(app(), "GET", url(plan, "/tallies"), { token }), 200).data;

  /** A plan of `org` and `n` participants in it. */
  async function planWith(org: TestOrg, n: number, overrides: Parameters<typeof newPlan>[2] = {}) {
    const plan = await newPlan(app(), org, overrides);
    const people: Member[] = [];
    for (let i = 0; i < n; i++) people.push(await joinPlan(app(), org, plan, `Person ${i}`));
    return { plan, people };
  }

  /** A participant who is the plan's organizer: they created it with their own token. */
  async function organizerPlan(org: TestOrg, type: "trip" | "event" | "purchase") {
    const pt = await createParticipantToken(app(), org.secretKey, { name: "Olga Organizer" });
    const plan = await newPlan(app(), org, { type, as: pt.token });
    return { plan, organizer: { participantId: pt.participant.id, token: pt.token } };
  }

  /** Realtime rows the outbox holds for the plan's room, in delivery order. */
  async function planEvents(plan: { id: string }) {
    const rows = await app()
      .deps.db.select()
      .from(outbox)
      .where(eq(outbox.kind, "realtime"))
      .orderBy(asc(outbox.createdAt), asc(outbox.id));
    return rows
      .map((r) => r.payload as { room: string; event: unknown })
      .filter((p) => p.room === `plan:${plan.id}`)
      .map((p) => PublishedEventSchema.parse(p.event));
  }

  return { propose, vote, getProposal, tallies, planWith, organizerPlan, planEvents };
}
