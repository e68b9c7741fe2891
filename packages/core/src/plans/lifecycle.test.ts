import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import {
  assertMessageLive,
  assertPlanAllows,
  assertProposalAllows,
  assertProposalHasRoom,
  assertVotingOpen,
  nextPlanStatus,
  PLAN_ACTIVITIES,
  PLAN_TRANSITION_ACTIONS,
  paymentTransition,
  planAllows,
  planTransition,
  proposalTransition,
  transitionSources,
  votingOpen,
} from "./lifecycle.js";
import { PLAN_STATUSES, type PlanStatus } from "./schemas/plans.js";
import { expectDomainError } from "./test-helpers.js";

/** The lifecycle as the issue states it, written independently of the implementation's table. */
const LEGAL = new Set([
  "planning:finalize:finalized",
  "planning:cancel:cancelled",
  "finalized:complete:completed",
  "finalized:cancel:cancelled",
]);

describe("planTransition", () => {
  it("allows exactly the lifecycle's moves and rejects every other with 409 invalid_plan_transition", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLAN_STATUSES), fc.constantFrom(...PLAN_TRANSITION_ACTIONS), (from, action) => {
        const legal = [...LEGAL].find((l) => l.startsWith(`${from}:${action}:`));
        if (legal) {
          expect(planTransition(from, action)).toBe(legal.split(":")[2]);
        } else {
          expect(nextPlanStatus(from, action)).toBeNull();
          const err = expectDomainError(() => planTransition(from, action), 409, "invalid_plan_transition");
          expect(err.detail).toContain(from);
        }
      }),
    );
  });

  it("any sequence of actions only walks the lifecycle, and nothing leaves completed or cancelled", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PLAN_TRANSITION_ACTIONS), { maxLength: 20 }), (actions) => {
        let status: PlanStatus = "planning";
        for (const action of actions) {
          const before = status;
          const legal = [...LEGAL].find((l) => l.startsWith(`${before}:${action}:`));
          if (legal) {
            status = planTransition(status, action);
            expect(status).toBe(legal.split(":")[2]);
          } else {
            expect(() => planTransition(status, action)).toThrow(DomainError);
          }
          if (before === "completed" || before === "cancelled") expect(status).toBe(before);
        }
      }),
    );
  });

  it("names the statuses a conditional UPDATE may start from", () => {
    expect(transitionSources("finalize")).toEqual(["planning"]);
    expect(transitionSources("complete")).toEqual(["finalized"]);
    expect(transitionSources("cancel")).toEqual(["planning", "finalized"]);
  });
});

describe("what a status allows", () => {
  it("proposals and votes only while planning; money and chat always", () => {
    expect(PLAN_STATUSES.filter((s) => planAllows(s, "propose"))).toEqual(["planning"]);
    expect(PLAN_STATUSES.filter((s) => planAllows(s, "vote"))).toEqual(["planning"]);
    expect(PLAN_STATUSES.filter((s) => planAllows(s, "join"))).toEqual(["planning", "finalized"]);
    for (const s of PLAN_STATUSES) {
      expect(planAllows(s, "payment")).toBe(true);
      expect(planAllows(s, "expense")).toBe(true);
      expect(planAllows(s, "chat")).toBe(true);
    }
  });

  it("throws plan_not_open, or voting_closed for votes", () => {
    for (const a of PLAN_ACTIVITIES) {
      for (const s of PLAN_STATUSES) {
        if (planAllows(s, a)) assertPlanAllows(s, a);
        else expectDomainError(() => assertPlanAllows(s, a), 409, a === "vote" ? "voting_closed" : "plan_not_open");
      }
    }
  });

  it("voting closes at the deadline and when the plan leaves planning", () => {
    const deadline = "2030-07-01T12:00:00Z";
    const plan = { status: "planning" as const, votingDeadline: deadline };
    expect(votingOpen(plan, "2030-07-01T11:59:59Z")).toBe(true);
    assertVotingOpen(plan, Date.parse(deadline) - 1);
    expect(votingOpen(plan, deadline)).toBe(false);
    const err = expectDomainError(() => assertVotingOpen(plan, new Date(deadline)), 409, "voting_closed");
    expect(err.detail).toContain("2030-07-01T12:00:00.000Z");
    expect(votingOpen({ status: "planning", votingDeadline: null }, Date.now())).toBe(true);
    expectDomainError(() => assertVotingOpen({ status: "finalized", votingDeadline: null }, 0), 409, "voting_closed");
  });
});

describe("proposals", () => {
  it("proposed → selected | rejected, rejected → proposed, nothing else", () => {
    expect(proposalTransition("proposed", "select")).toBe("selected");
    expect(proposalTransition("proposed", "reject")).toBe("rejected");
    expect(proposalTransition("rejected", "reopen")).toBe("proposed");
    expectDomainError(() => proposalTransition("selected", "reject"), 409, "proposal_not_open");
    expectDomainError(() => proposalTransition("rejected", "select"), 409, "proposal_not_open");
    expectDomainError(() => proposalTransition("proposed", "reopen"), 409, "proposal_not_open");
  });

  it("votes only on open proposals; edits and commitments also on the itinerary", () => {
    assertProposalAllows("proposed", "vote");
    expectDomainError(() => assertProposalAllows("selected", "vote"), 409, "proposal_not_open");
    assertProposalAllows("selected", "commit");
    assertProposalAllows("selected", "edit");
    expectDomainError(() => assertProposalAllows("rejected", "commit"), 409, "proposal_not_open");
  });

  it("capacity", () => {
    assertProposalHasRoom({ capacity: null, takenCount: 1000 });
    assertProposalHasRoom({ capacity: 2, takenCount: 1 });
    expectDomainError(() => assertProposalHasRoom({ capacity: 2, takenCount: 2 }), 409, "proposal_full");
  });
});

describe("payments", () => {
  it("pending → received | cancelled once", () => {
    expect(paymentTransition("pending", "received")).toBe("received");
    expect(paymentTransition("pending", "cancelled")).toBe("cancelled");
    expectDomainError(() => paymentTransition("received", "received"), 409, "payment_not_pending");
    expectDomainError(() => paymentTransition("cancelled", "received"), 409, "payment_not_pending");
  });
});

describe("chat", () => {
  it("a deleted message cannot be edited or deleted again", () => {
    assertMessageLive({ deletedAt: null });
    expectDomainError(() => assertMessageLive({ deletedAt: "2030-01-01T00:00:00Z" }), 409, "message_deleted");
  });
});
