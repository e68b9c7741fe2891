/**
 * gk.plans.subscribe end to end: the in-process API publishes through the outbox to a real
 * `partykit dev` (apps/realtime), and SDK clients subscribe to the plan's room over partysocket.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createHttpPublisher } from "../../../apps/api/src/lib/http-publisher.js";
import { silentLogger } from "../../../apps/api/src/lib/logger.js";
import { newOrg, outboxEvents, TEST_ORIGIN, type TestOrg } from "../../../apps/api/test/fixtures.js";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { PLAN_DEFAULTS } from "../../../apps/api/test/plan-fixtures.js";
import { type PartykitDev, startPartykit } from "../../../apps/realtime/test/partykit.js";
import { type Fetch, Gatherkit, NotFoundError, type PlanEvent, type Subscription } from "../src/index.js";

const BASE = "http://api.test";
const SECRET = "sdk-plans-realtime-secret-0123456789abcdef";
let pk: PartykitDev;
let t: TestApp;
let org: TestOrg;
const subscriptions: Subscription[] = [];

beforeAll(async () => {
  pk = await startPartykit({ secret: SECRET });
  t = await createTestApp({
    env: { REALTIME_SECRET: SECRET, REALTIME_HOST: pk.host },
    publisher: createHttpPublisher({ host: pk.host, secret: SECRET, logger: silentLogger }),
  });
  org = await newOrg(t);
});
afterAll(async () => {
  for (const s of subscriptions) s.close();
  t?.close();
  await pk?.stop();
});

const until = (check: () => void) => vi.waitFor(check, { timeout: 20_000, interval: 20 });

it("a participant's subscription gets each plan event at its typed handler, with presence; a stranger is refused", async () => {
  const host = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: org.participantToken });
  const plan = await host.plans.create({ ...PLAN_DEFAULTS });
  const invite = await host.plans.invites.create(plan.id);
  const fromPage: Fetch = (url, init) =>
    t.fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), origin: TEST_ORIGIN } });
  const joined = await new Gatherkit({ baseUrl: BASE, fetch: fromPage, publishableKey: org.publishableKey }).invites.join(invite.code, {
    name: "Grace",
  });
  const grace = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: joined.token });

  const all: PlanEvent["type"][] = [];
  const tallies: [string, number | null][] = [];
  const messages: [string, string | null][] = [];
  let presence: string[] = [];
  const sub = grace.plans.subscribe(plan.id, {
    onEvent: (e) => all.push(e.type),
    "plan.tally_changed": ({ tally }) => tallies.push([tally.proposalId, tally.yes]),
    "plan.message_changed": ({ change, message }) => messages.push([change, message.body]),
    onPresence: (p) => {
      presence = p.map((e) => e.name);
    },
  });
  subscriptions.push(sub);
  await until(() => expect(sub.status).toBe("open"));
  await until(() => expect(presence).toEqual(["Grace"]));
  // Events of the join may still be on their way to the room: let the room catch up, then start afresh.
  const earlier = (await outboxEvents(t, `plan:${plan.id}`)).length;
  await until(() => expect(sub.seq).toBe(earlier));
  all.length = 0;

  const proposal = await grace.plans.proposals.create(plan.id, { title: "Sunset sailing" });
  await host.plans.proposals.vote(plan.id, proposal.id, { value: "yes" });
  await host.plans.messages.create(plan.id, { body: "Boat at 7" });
  await until(() => expect(messages).toEqual([["created", "Boat at 7"]]));
  await until(() => expect(tallies).toEqual([[proposal.id, 1]]));
  expect(all).toEqual(["plan.proposal_changed", "plan.tally_changed", "plan.message_changed"]);

  // Someone of another organization may not read the plan: the subscription stops with the API's error.
  const other = await newOrg(t);
  const stranger = new Gatherkit({ baseUrl: BASE, fetch: t.fetch, token: other.participantToken });
  const errors: unknown[] = [];
  const refused = stranger.plans.subscribe(plan.id, { onError: (e) => errors.push(e) });
  subscriptions.push(refused);
  await until(() => expect(refused.status).toBe("closed"));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(NotFoundError); // another organization's plan does not exist for them
  expect(errors[0]).toMatchObject({ status: 404, code: "not_found" });
});
