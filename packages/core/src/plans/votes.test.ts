import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Tally, VoteValue } from "./schemas/proposals.js";
import { expectDomainError, pid } from "./test-helpers.js";
import { finalizeSelection, rankProposals, tally, type VoteLike, validateOneYes, votesHidden, yesLock } from "./votes.js";

const PROPOSALS = ["prop_00000001", "prop_00000002", "prop_00000003", "prop_00000004"];
const vote = fc.record({
  proposalId: fc.constantFrom(...PROPOSALS),
  participantId: fc.integer({ min: 0, max: 9 }).map(pid),
  value: fc.constantFrom<VoteValue>("yes", "maybe", "no"),
});
const open = { hideUntilDeadline: false, now: 0, deadline: null };

describe("tally", () => {
  it("counts every vote cast, once per participant and proposal, the latest one winning", () => {
    fc.assert(
      fc.property(fc.array(vote, { maxLength: 80 }), (votes) => {
        const latest = new Map<string, VoteLike>();
        for (const v of votes) latest.set(`${v.proposalId}/${v.participantId}`, v);
        const tallies = tally(votes, { ...open, proposalIds: PROPOSALS });
        expect(tallies.map((t) => t.proposalId)).toEqual(PROPOSALS);
        expect(tallies.reduce((s, t) => s + t.total, 0)).toBe(latest.size);
        for (const t of tallies) {
          const mine = [...latest.values()].filter((v) => v.proposalId === t.proposalId);
          expect(t).toEqual({
            proposalId: t.proposalId,
            yes: mine.filter((v) => v.value === "yes").length,
            maybe: mine.filter((v) => v.value === "maybe").length,
            no: mine.filter((v) => v.value === "no").length,
            total: mine.length,
            hidden: false,
          });
        }
      }),
    );
  });

  it("without a list of proposals, reports those voted on in first-vote order", () => {
    const votes: VoteLike[] = [
      { proposalId: PROPOSALS[2]!, participantId: pid(1), value: "yes" },
      { proposalId: PROPOSALS[0]!, participantId: pid(1), value: "no" },
      { proposalId: PROPOSALS[2]!, participantId: pid(1), value: "maybe" }, // replaces the yes
    ];
    expect(tally(votes, open)).toEqual([
      { proposalId: PROPOSALS[2], yes: 0, maybe: 1, no: 0, total: 1, hidden: false },
      { proposalId: PROPOSALS[0], yes: 0, maybe: 0, no: 1, total: 1, hidden: false },
    ]);
    // A vote for a proposal not asked about is left out.
    expect(tally(votes, { ...open, proposalIds: [PROPOSALS[0]!] })).toHaveLength(1);
  });

  it("hides the breakdown until the deadline, showing only the number of votes", () => {
    const votes: VoteLike[] = [
      { proposalId: PROPOSALS[0]!, participantId: pid(1), value: "yes" },
      { proposalId: PROPOSALS[0]!, participantId: pid(2), value: "no" },
    ];
    const deadline = "2030-01-01T00:00:00Z";
    const before = { hideUntilDeadline: true, deadline, now: "2029-12-31T23:59:59Z" };
    expect(votesHidden(before)).toBe(true);
    expect(tally(votes, before)).toEqual([{ proposalId: PROPOSALS[0], yes: null, maybe: null, no: null, total: 2, hidden: true }]);
    expect(tally(votes, { ...before, now: deadline })[0]).toMatchObject({ yes: 1, no: 1, hidden: false });
    expect(tally(votes, { ...before, closed: true })[0]!.hidden).toBe(false);
    expect(tally(votes, { ...before, hideUntilDeadline: false })[0]!.hidden).toBe(false);
  });
});

describe("one yes per participant", () => {
  const mine: VoteLike[] = [
    { proposalId: PROPOSALS[0]!, participantId: pid(1), value: "yes" },
    { proposalId: PROPOSALS[1]!, participantId: pid(1), value: "maybe" },
  ];

  it("refuses a second yes with one_yes_limit, naming the first", () => {
    const err = expectDomainError(
      () => validateOneYes(mine, { proposalId: PROPOSALS[1]!, participantId: pid(1), value: "yes" }, { oneYesPerParticipant: true }),
      409,
      "one_yes_limit",
    );
    expect(err.detail).toContain(PROPOSALS[0]);
  });

  it("allows re-casting the same yes, other values, other people, and plans without the option", () => {
    validateOneYes(mine, { proposalId: PROPOSALS[0]!, participantId: pid(1), value: "yes" }, { oneYesPerParticipant: true });
    validateOneYes(mine, { proposalId: PROPOSALS[2]!, participantId: pid(1), value: "no" }, { oneYesPerParticipant: true });
    validateOneYes(mine, { proposalId: PROPOSALS[2]!, participantId: pid(2), value: "yes" }, { oneYesPerParticipant: true });
    validateOneYes(mine, { proposalId: PROPOSALS[2]!, participantId: pid(1), value: "yes" }, { oneYesPerParticipant: false });
  });

  it("the yes_lock column is set only on a yes in a one-yes plan", () => {
    expect(yesLock("plan_1", pid(1), "yes", true)).toBe(`plan_1:${pid(1)}`);
    expect(yesLock("plan_1", pid(1), "maybe", true)).toBeNull();
    expect(yesLock("plan_1", pid(1), "yes", false)).toBeNull();
  });

  it("whatever the order of casts, accepted votes never hold two yes for one participant", () => {
    fc.assert(
      fc.property(fc.array(vote, { maxLength: 60 }), (casts) => {
        const stored = new Map<string, VoteLike>();
        for (const v of casts) {
          const theirs = [...stored.values()].filter((s) => s.participantId === v.participantId);
          try {
            validateOneYes(theirs, v, { oneYesPerParticipant: true });
          } catch {
            continue;
          }
          stored.set(`${v.proposalId}/${v.participantId}`, v);
        }
        const yesBy = new Map<string, number>();
        for (const v of stored.values()) if (v.value === "yes") yesBy.set(v.participantId, (yesBy.get(v.participantId) ?? 0) + 1);
        for (const n of yesBy.values()) expect(n).toBe(1);
      }),
    );
  });
});

const t = (proposalId: string, yes: number, maybe: number, no: number): Tally => ({
  proposalId,
  yes,
  maybe,
  no,
  total: yes + maybe + no,
  hidden: false,
});

describe("ranking and finalizing", () => {
  it("ranks by yes, then maybe, then fewest no, then the given order", () => {
    const ranked = rankProposals([t("a", 1, 0, 0), t("b", 2, 0, 5), t("c", 2, 1, 0), t("d", 2, 1, 0), t("e", 2, 1, 1)]);
    expect(ranked.map((x) => x.proposalId)).toEqual(["c", "d", "e", "b", "a"]);
    expect(() => rankProposals([{ ...t("a", 0, 0, 0), hidden: true }])).toThrow(RangeError);
  });

  const proposals = [
    { id: "prop_a", status: "proposed" as const },
    { id: "prop_b", status: "proposed" as const },
    { id: "prop_c", status: "rejected" as const },
    { id: "prop_d", status: "proposed" as const },
  ];

  it("select: keeps the chosen ones and rejects the other open ones", () => {
    expect(finalizeSelection(proposals, { mode: "select", proposalIds: ["prop_d", "prop_a"] })).toEqual({
      selected: ["prop_a", "prop_d"],
      rejected: ["prop_b"],
    });
    expectDomainError(() => finalizeSelection(proposals, { mode: "select", proposalIds: ["prop_x"] }), 404, "not_found");
    expectDomainError(() => finalizeSelection(proposals, { mode: "select", proposalIds: ["prop_c"] }), 409, "proposal_not_open");
  });

  it("top_voted: the best `count` with at least one yes, never a rejected one", () => {
    const tallies = [t("prop_a", 1, 0, 0), t("prop_b", 3, 0, 0), t("prop_c", 9, 0, 0), t("prop_d", 0, 4, 0)];
    expect(finalizeSelection(proposals, { mode: "top_voted", count: 1 }, tallies)).toEqual({
      selected: ["prop_b"],
      rejected: ["prop_a", "prop_d"],
    });
    expect(finalizeSelection(proposals, { mode: "top_voted", count: 5 }, tallies).selected).toEqual(["prop_a", "prop_b"]);
    expectDomainError(() => finalizeSelection(proposals, { mode: "top_voted", count: 1 }, [t("prop_a", 0, 2, 0)]), 409, "conflict");
  });
});
