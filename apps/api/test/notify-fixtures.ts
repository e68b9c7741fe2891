import type { InboxItem, Page, Plan } from "@gatherkit/core";
import { localMessages } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { deliverOutbox } from "../src/lib/outbox.js";
import { expectStatus, newOrg, type TestOrg } from "./fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "./harness.js";
import { joinPlan, newPlan } from "./plan-fixtures.js";

/**
 * Fixtures for notification tests that go through the API and the outbox end to end, on a clock
 * the test moves (`advance`) and with background deliveries awaited (`settle`), so "nothing was
 * sent" is a fact, not a race.
 */
export interface NotifyingApp {
  t: TestApp;
  a: TestOrg;
  b: TestOrg;
  /** Moves the API's clock forward. */
  advance(ms: number): void;
  /** Runs every delivery due now to the end (the background ones and one more pass). */
  settle(): Promise<void>;
}

export async function notifyingApp(): Promise<NotifyingApp> {
  let offset = 0;
  const real = monotonicNow();
  const t = await createTestApp({ now: () => real() + offset });
  const pending: Promise<unknown>[] = [];
  t.deps.waitUntil = (p) => pending.push(p);
  return {
    t,
    a: await newOrg(t),
    b: await newOrg(t),
    advance: (ms) => {
      offset += ms;
    },
    async settle() {
      while (pending.length) await Promise.all(pending.splice(0));
      await deliverOutbox(t.deps);
    },
  };
}

export const inboxOf = async (t: TestApp, token: string) =>
  expectStatus<Page<InboxItem>>(await call(t, "GET", "/v1/inbox", { token }), 200).data;

export const emailsTo = (t: TestApp, to: string) =>
  t.deps.db
    .select()
    .from(localMessages)
    .where(and(eq(localMessages.to, to), eq(localMessages.channel, "email")));

let n = 0;
/** A plan that notifies its participants (with `body` over the defaults), joined by Ada (with an email address) and Bob (without). */
export async function planWithPeople(t: TestApp, org: TestOrg, body: Record<string, unknown> = {}) {
  const plan = await newPlan(t, org, { notifyParticipants: true, ...body });
  const email = `ada.${++n}@example.com`;
  const ada = { ...(await joinPlan(t, org, plan, "Ada", email)), email };
  const bob = await joinPlan(t, org, plan, "Bob");
  return { plan, ada, bob };
}

/** Finalizes `plan` with one new proposal selected, as `token` (staff by default). */
export async function finalizePlan(t: TestApp, org: TestOrg, plan: Plan, token = org.secretKey): Promise<Plan> {
  const proposal = expectStatus<{ id: string }>(
    await call(t, "POST", `/v1/plans/${plan.id}/proposals`, { token: org.secretKey, body: { title: "Tram 28" } }),
    201,
  );
  const body = { mode: "select", proposalIds: [proposal.id] };
  return expectStatus<Plan>(await call(t, "POST", `/v1/plans/${plan.id}/finalize`, { token, body }), 200);
}
