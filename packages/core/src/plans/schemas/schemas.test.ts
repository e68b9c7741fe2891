import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { describe, expect, it } from "vitest";
import { PublishedEventSchema } from "../../realtime.js";
import { TimeZoneSchema } from "../../time.js";
import { pid } from "../test-helpers.js";
import {
  CastVoteSchema,
  CreateExpenseSchema,
  CreateInviteSchema,
  CreatePaymentSchema,
  CreatePlanSchema,
  CreateProposalSchema,
  FinalizeSchema,
  InvitePreviewSchema,
  JoinPlanSchema,
  PlanBalancesSchema,
  PlanSchema,
  ProposalSchema,
  SplitSpecSchema,
  UpdateChatMessageSchema,
  UpdatePlanSchema,
  UpdateProposalSchema,
} from "./index.js";

/** The failing paths and messages of a parse, for compact assertions. */
function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const plan = { type: "trip", title: "Lisbon", timeZone: "Europe/Lisbon", currency: "EUR" } as const;

describe("CreatePlan", () => {
  it("accepts a minimal plan and fills defaults", () => {
    expect(CreatePlanSchema.parse(plan)).toEqual({
      ...plan,
      description: "",
      hideVotesUntilDeadline: false,
      oneYesPerParticipant: false,
      notifyParticipants: false,
    });
  });

  it("canonicalises the time zone and refuses unknown zones and offsets", () => {
    expect(CreatePlanSchema.parse({ ...plan, timeZone: "europe/lisbon" }).timeZone).toBe("Europe/Lisbon");
    expect(TimeZoneSchema.parse("UTC")).toBe("UTC");
    for (const tz of ["Mars/Olympus", "+01:00", "", "Europe/"]) {
      expect(issues(CreatePlanSchema.safeParse({ ...plan, timeZone: tz }))).toEqual([expect.stringMatching(/^timeZone: /)]);
    }
  });

  it("refuses currencies that are not ISO 4217 codes", () => {
    for (const currency of ["eur", "EURO", "€", "E1R", "ZZZ", "QQQ", "XXX"]) {
      expect(issues(CreatePlanSchema.safeParse({ ...plan, currency }))).toEqual([expect.stringMatching(/^currency: .*ISO 4217/)]);
    }
  });

  it("checks date order, deadline format, hidden votes without a deadline, unknown fields", () => {
    expect(issues(CreatePlanSchema.safeParse({ ...plan, startDate: "2030-07-03", endDate: "2030-07-01" }))).toEqual([
      "endDate: must be on or after startDate",
    ]);
    expect(issues(CreatePlanSchema.safeParse({ ...plan, endDate: "2030-07-01" }))).toEqual(["endDate: an end date needs a start date"]);
    expect(CreatePlanSchema.safeParse({ ...plan, startDate: "2030-07-01", endDate: "2030-07-01" }).success).toBe(true);
    expect(issues(CreatePlanSchema.safeParse({ ...plan, votingDeadline: "2030-07-01T12:00:00+02:00" }))[0]).toMatch(
      /^votingDeadline: .*UTC/,
    );
    expect(issues(CreatePlanSchema.safeParse({ ...plan, hideVotesUntilDeadline: true }))).toEqual([
      "hideVotesUntilDeadline: hiding votes until the deadline needs a votingDeadline",
    ]);
    expect(issues(CreatePlanSchema.safeParse({ ...plan, status: "finalized" }))[0]).toMatch(/status/);
    expect(issues(CreatePlanSchema.safeParse({ ...plan, location: { name: "Lisbon", lat: 38.7 } }))).toEqual([
      "location.lat: give both lat and lng, or neither",
    ]);
  });
});

describe("UpdatePlan", () => {
  it("needs a field, lets null clear, judges only the pairs it carries", () => {
    expect(issues(UpdatePlanSchema.safeParse({}))).toEqual([": send at least one field to change"]);
    expect(UpdatePlanSchema.parse({ location: null, endDate: null })).toEqual({ location: null, endDate: null });
    expect(UpdatePlanSchema.safeParse({ endDate: "2030-01-01" }).success).toBe(true);
    expect(issues(UpdatePlanSchema.safeParse({ startDate: "2030-01-02", endDate: "2030-01-01" }))).toEqual([
      "endDate: must be on or after startDate",
    ]);
    expect(issues(UpdatePlanSchema.safeParse({ currency: "USD" }))[0]).toMatch(/currency/);
  });
});

describe("invites and joining", () => {
  it("personal invites are single-use", () => {
    expect(CreateInviteSchema.parse({ email: "Ada@Example.com" })).toEqual({ email: "ada@example.com" });
    expect(issues(CreateInviteSchema.safeParse({ email: "ada@example.com", maxUses: 2 }))).toEqual([
      "maxUses: a personal invite is single-use: leave maxUses out or set it to 1",
    ]);
    expect(issues(CreateInviteSchema.safeParse({ maxUses: 0 }))[0]).toMatch(/^maxUses/);
  });

  it("joining takes a trimmed name and an optional email (the code is in the path)", () => {
    expect(JoinPlanSchema.safeParse({ name: " Grace " }).data?.name).toBe("Grace");
    expect(JoinPlanSchema.parse({})).toEqual({});
    expect(issues(JoinPlanSchema.safeParse({ code: "7m2q9xk4c8vhz1ntb5r3ds", name: "", email: "x" })).map((i) => i.split(":")[0])).toEqual([
      "name",
      "email",
      "",
    ]);
  });
});

describe("proposals and votes", () => {
  it("a time window ends after it starts", () => {
    expect(
      issues(CreateProposalSchema.safeParse({ title: "Sail", startsAt: "2030-07-01T10:00:00Z", endsAt: "2030-07-01T10:00:00Z" })),
    ).toEqual(["endsAt: must be after startsAt"]);
    expect(issues(CreateProposalSchema.safeParse({ title: "Sail", endsAt: "2030-07-01T10:00:00Z" }))).toEqual([
      "endsAt: an end time needs a start time",
    ]);
    expect(issues(UpdateProposalSchema.safeParse({ startsAt: "2030-07-02T10:00:00Z", endsAt: "2030-07-01T10:00:00Z" }))).toEqual([
      "endsAt: must be after startsAt",
    ]);
  });

  it("costs are positive integers of minor units; links are http(s)", () => {
    expect(issues(CreateProposalSchema.safeParse({ title: "Sail", cost: { kind: "total", amount: 12.5, currency: "EUR" } }))[0]).toMatch(
      /^cost.amount: .*whole number/,
    );
    expect(issues(CreateProposalSchema.safeParse({ title: "Sail", cost: { kind: "total", amount: 0, currency: "EUR" } }))[0]).toMatch(
      /^cost.amount/,
    );
    expect(issues(CreateProposalSchema.safeParse({ title: "Sail", url: "javascript:alert(1)" }))[0]).toMatch(/^url/);
  });

  it("votes are yes, maybe or no", () => {
    expect(CastVoteSchema.parse({ value: "maybe" })).toEqual({ value: "maybe" });
    expect(CastVoteSchema.safeParse({ value: "perhaps" }).success).toBe(false);
  });

  it("finalize selects listed proposals once, or the top voted", () => {
    expect(FinalizeSchema.parse({ mode: "top_voted" })).toEqual({ mode: "top_voted", count: 1 });
    expect(issues(FinalizeSchema.safeParse({ mode: "select", proposalIds: ["prop_0123456789", "prop_0123456789"] }))).toEqual([
      "proposalIds: lists a proposal twice",
    ]);
  });
});

describe("expenses", () => {
  const base = { description: "Taxi", amount: 4200, currency: "EUR" };

  it("exact amounts must add up to the expense", () => {
    const amounts = [
      { participantId: pid(1), amount: 2000 },
      { participantId: pid(2), amount: 2100 },
    ];
    expect(issues(CreateExpenseSchema.safeParse({ ...base, split: { mode: "exact", amounts } }))).toEqual([
      "split.amounts: the exact amounts add up to 4100, not the expense's 4200",
    ]);
    amounts[1]!.amount = 2200;
    expect(CreateExpenseSchema.safeParse({ ...base, split: { mode: "exact", amounts } }).success).toBe(true);
  });

  it("percentages must add up to 100, with at most 4 decimals", () => {
    const split = (percents: number[]) => ({
      mode: "percent",
      percents: percents.map((percent, i) => ({ participantId: pid(i), percent })),
    });
    expect(SplitSpecSchema.safeParse(split([33.3333, 33.3333, 33.3334])).success).toBe(true);
    expect(SplitSpecSchema.safeParse(split([0.1, 0.2, 99.7])).success).toBe(true); // no float drift
    expect(issues(SplitSpecSchema.safeParse(split([50, 49])))).toEqual(["percents: percentages must add up to 100"]);
    expect(issues(SplitSpecSchema.safeParse(split([33.33333, 66.66667])))[0]).toMatch(/at most 4 decimals/);
  });

  it("refuses duplicates, unknown modes, fractional cents and unknown fields", () => {
    expect(issues(SplitSpecSchema.safeParse({ mode: "equal", participantIds: [pid(1), pid(1)] }))).toEqual([
      "participantIds: lists a participant twice",
    ]);
    expect(SplitSpecSchema.safeParse({ mode: "random" }).success).toBe(false);
    expect(issues(CreateExpenseSchema.safeParse({ ...base, amount: 42.5, split: { mode: "equal" } }))[0]).toMatch(/^amount/);
    expect(issues(CreateExpenseSchema.safeParse({ ...base, split: { mode: "equal", extra: 1 } }))[0]).toMatch(/^split/);
    expect(
      CreateExpenseSchema.safeParse({ ...base, split: { mode: "shares", shares: [{ participantId: pid(1), shares: 1.5 }] } }).success,
    ).toBe(true);
  });

  it("split rule failures carry the stable code split_mismatch (the API answers 422 with it); malformed fields do not", () => {
    const codes = (r: { error?: { issues: readonly object[] } }) =>
      r.error!.issues.map((i) => ("params" in i ? (i.params as { code?: string } | undefined)?.code : undefined));
    const amounts = [{ participantId: pid(1), amount: 1 }];
    expect(codes(CreateExpenseSchema.safeParse({ ...base, split: { mode: "exact", amounts } }))).toEqual(["split_mismatch"]);
    const percents = [{ participantId: pid(1), percent: 40 }];
    expect(codes(CreateExpenseSchema.safeParse({ ...base, split: { mode: "percent", percents } }))).toEqual(["split_mismatch"]);
    expect(codes(SplitSpecSchema.safeParse({ mode: "equal", participantIds: [pid(1), pid(1)] }))).toEqual(["split_mismatch"]);
    const twice = [
      { participantId: pid(1), shares: 1 },
      { participantId: pid(1), shares: 2 },
    ];
    expect(codes(SplitSpecSchema.safeParse({ mode: "shares", shares: twice }))).toEqual(["split_mismatch"]);
    expect(codes(CreateExpenseSchema.safeParse({ ...base, amount: 0, split: { mode: "equal" } }))).toEqual([undefined]);
  });

  it("a payment goes between two different participants", () => {
    expect(
      issues(CreatePaymentSchema.safeParse({ fromParticipantId: pid(1), toParticipantId: pid(1), amount: 1, currency: "EUR" })),
    ).toEqual(["toParticipantId: a payment goes from one participant to another"]);
  });

  it("chat messages are trimmed and not empty", () => {
    expect(UpdateChatMessageSchema.safeParse({ body: "   " }).success).toBe(false);
    expect(UpdateChatMessageSchema.parse({ body: " hi " })).toEqual({ body: "hi" });
  });
});

describe("contract", () => {
  it("plan events are part of what rooms publish", () => {
    const tally = { proposalId: "prop_0123456789", yes: null, maybe: null, no: null, total: 3, hidden: true };
    expect(PublishedEventSchema.parse({ type: "plan.tally_changed", data: { planId: "plan_0123456789", tally } })).toBeTruthy();
    expect(PublishedEventSchema.safeParse({ type: "plan.tally_changed", data: { planId: "nope", tally } }).success).toBe(false);
  });

  it("every schema renders into an OpenAPI document as a named component", () => {
    const registry = new OpenAPIRegistry();
    for (const [name, schema] of Object.entries({
      CreatePlanSchema,
      UpdatePlanSchema,
      CreateExpenseSchema,
      FinalizeSchema,
      PlanBalancesSchema,
    })) {
      registry.registerPath({
        method: "post",
        path: `/${name}`,
        request: { body: { content: { "application/json": { schema } } } },
        responses: { 200: { description: "ok" } },
      });
    }
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const names = Object.keys(doc.components?.schemas ?? {});
    for (const n of [
      "CreatePlanRequest",
      "UpdatePlanRequest",
      "CreateExpenseRequest",
      "SplitSpec",
      "FinalizeRequest",
      "PlanBalances",
      "Balance",
      "PlanType",
      "PlanLocationInput",
    ]) {
      expect(names).toContain(n);
    }
  });

  it("no shared component turns nullable because one use of it may be null", () => {
    // Responses come first, as in the API's document: their nullable fields (Plan.location,
    // Proposal.cost, Proposal.myVote) must not make the request bodies' components accept null.
    const registry = new OpenAPIRegistry();
    const schemas = {
      PlanSchema,
      ProposalSchema,
      InvitePreviewSchema,
      CreatePlanSchema,
      UpdatePlanSchema,
      CreateProposalSchema,
      UpdateProposalSchema,
      CastVoteSchema,
    };
    for (const [name, schema] of Object.entries(schemas)) {
      registry.registerPath({
        method: "post",
        path: `/${name}`,
        request: { body: { content: { "application/json": { schema } } } },
        responses: { 200: { description: "ok" } },
      });
    }
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const nullable = Object.entries(doc.components?.schemas ?? {})
      .filter(
        ([, s]) =>
          JSON.stringify((s as { type?: unknown }).type ?? "").includes("null") || ((s as { enum?: unknown[] }).enum ?? []).includes(null),
      )
      .map(([name]) => name);
    expect(nullable).toEqual([]);
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(expect.arrayContaining(["PlanLocation", "ProposalCost", "VoteValue"]));
    expect(CreateProposalSchema.safeParse({ title: "Sail", cost: null }).success).toBe(false);
    expect(ProposalSchema.shape.myVote.safeParse(null).success).toBe(true);
  });
});
