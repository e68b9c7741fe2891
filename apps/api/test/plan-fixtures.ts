import type { CreatePlanInput, Invite, JoinPlanResult, Plan, PlanParticipant, PublishedEvent } from "@gatherkit/core";
import { expectStatus, outboxEvents, TEST_ORIGIN, type TestOrg } from "./fixtures.js";
import { call, type TestApp } from "./harness.js";

/**
 * Test fixtures for the Plans domain, built through the public API like fixtures.ts (each fails
 * loudly with the problem body when the API answers otherwise).
 *
 *   const org = await newOrg(t);
 *   const plan = await newPlan(t, org, { type: "event" });
 *   const ada = await joinPlan(t, org, plan, "Ada");   // { participantId, token, … }
 *   await call(t, "GET", `/v1/plans/${plan.id}`, { token: ada.token });
 */

/** The default plan body: a trip in Lisbon with dates, EUR. */
export const PLAN_DEFAULTS = {
  type: "trip",
  title: "Lisbon long weekend",
  timeZone: "Europe/Lisbon",
  currency: "EUR",
  startDate: "2030-07-01",
  endDate: "2030-07-04",
} as const satisfies CreatePlanInput;

/**
 * Creates a plan as organization staff (the org's secret key) — or as `as` (any token, e.g. a
 * participant token, who then becomes its organizer) — with `overrides` over PLAN_DEFAULTS.
 */
export async function newPlan(t: TestApp, org: TestOrg, overrides: Partial<CreatePlanInput> & { as?: string } = {}): Promise<Plan> {
  const { as, ...body } = overrides;
  return expectStatus<Plan>(await call(t, "POST", "/v1/plans", { token: as ?? org.secretKey, body: { ...PLAN_DEFAULTS, ...body } }), 201);
}

/** Creates an invite on `plan` as staff (or as `as`, e.g. an organizer's participant token). */
export async function newInvite(
  t: TestApp,
  org: TestOrg,
  plan: { id: string },
  body: { email?: string; expiresAt?: string; maxUses?: number; joinUrl?: string } = {},
  as?: string,
): Promise<Invite> {
  return expectStatus<Invite>(await call(t, "POST", `/v1/plans/${plan.id}/invites`, { token: as ?? org.secretKey, body }), 201);
}

/** The result of joining: the new participant's id and token, and the full API answer. */
export interface Joined {
  participantId: string;
  token: string;
  participant: PlanParticipant;
  result: JoinPlanResult;
}

/** POSTs /v1/invites/{code}/join from a page with the org's publishable key, as a new participant named `name`. */
export function joinRequest(t: TestApp, org: TestOrg, code: string, body: { name?: string; email?: string }) {
  return call(t, "POST", `/v1/invites/${code}/join`, { token: org.publishableKey, headers: { origin: TEST_ORIGIN }, body });
}

/**
 * Creates a fresh invite on `plan` (as staff) and joins it as a new participant named `name`
 * through the publishable key; returns `{ participantId, token }` (plus the answer).
 */
export async function joinPlan(t: TestApp, org: TestOrg, plan: { id: string }, name: string, email?: string): Promise<Joined> {
  const invite = await newInvite(t, org, plan);
  const result = expectStatus<JoinPlanResult>(await joinRequest(t, org, invite.code, { name, ...(email ? { email } : {}) }), 201);
  return { participantId: result.participant.participantId, token: result.token, participant: result.participant, result };
}

/** Makes a participant of `plan` a co-organizer (as staff). */
export async function promote(t: TestApp, org: TestOrg, plan: { id: string }, participantId: string): Promise<PlanParticipant> {
  return expectStatus<PlanParticipant>(
    await call(t, "PATCH", `/v1/plans/${plan.id}/participants/${participantId}`, { token: org.secretKey, body: { role: "organizer" } }),
    200,
  );
}

/** The realtime events written to the plan's room so far (from the outbox), oldest first. */
export function planEvents(t: TestApp, plan: { id: string }): Promise<PublishedEvent[]> {
  return outboxEvents(t, `plan:${plan.id}`);
}
