import { describe, expect, it } from "vitest";
import { expectDomainError } from "./test-helpers.js";
import { applyPlanUpdate, applyProposalUpdate, type PlanSettings, type ProposalSettings } from "./updates.js";

const current: PlanSettings = {
  title: "Lisbon",
  description: "",
  location: { name: "Lisbon", lat: null, lng: null },
  startDate: "2030-07-01",
  endDate: "2030-07-03",
  timeZone: "Europe/Lisbon",
  votingDeadline: "2030-06-01T00:00:00Z",
  hideVotesUntilDeadline: true,
  oneYesPerParticipant: false,
  notifyParticipants: false,
};

describe("applyPlanUpdate", () => {
  it("applies present fields, clears nulls, keeps the rest", () => {
    expect(applyPlanUpdate(current, { title: "Porto", location: { name: "Porto", lat: 41.15, lng: -8.61 } }, { hasVotes: false })).toEqual({
      ...current,
      title: "Porto",
      location: { name: "Porto", lat: 41.15, lng: -8.61 },
    });
    expect(applyPlanUpdate(current, { location: null, endDate: null }, { hasVotes: true })).toMatchObject({
      location: null,
      endDate: null,
    });
  });

  it("judges the merged plan", () => {
    const e = expectDomainError(() => applyPlanUpdate(current, { startDate: "2030-07-05" }, { hasVotes: false }), 400, "validation_failed");
    expect(e.detail).toBe("body.endDate: must be on or after startDate");
    expectDomainError(() => applyPlanUpdate(current, { votingDeadline: null }, { hasVotes: false }), 400, "validation_failed");
    expectDomainError(() => applyPlanUpdate(current, { startDate: null }, { hasVotes: false }), 400, "validation_failed");
  });

  it("locks “one yes” once votes exist", () => {
    expect(applyPlanUpdate(current, { oneYesPerParticipant: true }, { hasVotes: false }).oneYesPerParticipant).toBe(true);
    expectDomainError(() => applyPlanUpdate(current, { oneYesPerParticipant: true }, { hasVotes: true }), 409, "voting_options_locked");
    expect(
      applyPlanUpdate({ ...current, oneYesPerParticipant: true }, { oneYesPerParticipant: false }, { hasVotes: true }).oneYesPerParticipant,
    ).toBe(false);
  });
});

const proposal: ProposalSettings = {
  title: "Sail",
  description: "",
  url: null,
  startsAt: "2030-07-02T17:00:00Z",
  endsAt: "2030-07-02T19:00:00Z",
  cost: null,
  capacity: 10,
  paidByParticipantId: null,
};

describe("applyProposalUpdate", () => {
  const ctx = { planCurrency: "EUR", takenCount: 4 };
  it("merges and checks the window, currency and capacity", () => {
    expect(applyProposalUpdate(proposal, { capacity: 4, url: "https://example.com" }, ctx)).toMatchObject({
      capacity: 4,
      url: "https://example.com",
    });
    expectDomainError(() => applyProposalUpdate(proposal, { startsAt: "2030-07-02T20:00:00Z" }, ctx), 400, "validation_failed");
    expectDomainError(
      () => applyProposalUpdate(proposal, { cost: { kind: "total", amount: 100, currency: "USD" } }, ctx),
      422,
      "currency_mismatch",
    );
    expectDomainError(() => applyProposalUpdate(proposal, { capacity: 3 }, ctx), 409, "proposal_full");
    expect(applyProposalUpdate(proposal, { capacity: null }, ctx).capacity).toBeNull();
  });
});
