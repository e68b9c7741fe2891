import { describe, expect, it } from "vitest";
import { assertCan, assertKeepsAnOrganizer, can, canPropose, effectiveRole, PLAN_PERMISSIONS } from "./permissions.js";
import { PLAN_TYPES } from "./schemas/plans.js";
import { expectDomainError, pid } from "./test-helpers.js";

describe("plan permissions", () => {
  it("trips are collaborative, events and purchases organizer-driven", () => {
    expect(canPropose("trip", "participant")).toBe(true);
    expect(canPropose("event", "participant")).toBe(false);
    expect(canPropose("purchase", "participant")).toBe(false);
    for (const t of PLAN_TYPES) expect(canPropose(t, "organizer")).toBe(true);
    const err = expectDomainError(() => assertCan("event", "participant", "propose"), 403, "organizer_required");
    expect(err.detail).toContain("event");
  });

  it("participants vote, commit, record expenses and chat in every kind of plan", () => {
    for (const t of PLAN_TYPES) {
      for (const p of ["read", "vote", "commit", "record_expense", "chat"] as const) expect(can(t, "participant", p)).toBe(true);
    }
  });

  it("organizer actions are refused to participants with organizer_required", () => {
    for (const p of ["update_plan", "change_status", "manage_invites", "manage_participants", "decide_proposal"] as const) {
      expect(can("trip", "organizer", p)).toBe(true);
      expectDomainError(() => assertCan("trip", "participant", p), 403, "organizer_required");
    }
  });

  it("someone outside the plan may do nothing", () => {
    for (const t of PLAN_TYPES) {
      for (const p of PLAN_PERMISSIONS) {
        expect(can(t, null, p, { isOwner: true })).toBe(false);
        expectDomainError(() => assertCan(t, null, p, { isOwner: true }), 403, "not_a_participant");
      }
    }
  });

  it("own objects: authors edit their messages, organizers only delete them", () => {
    expect(can("trip", "participant", "edit_message", { isOwner: true })).toBe(true);
    expect(can("trip", "organizer", "edit_message")).toBe(false);
    expectDomainError(() => assertCan("trip", "organizer", "edit_message"), 403, "permission_denied");
    expect(can("trip", "organizer", "delete_message")).toBe(true);
    expect(can("trip", "participant", "delete_message", { isOwner: true })).toBe(true);
    expectDomainError(() => assertCan("trip", "participant", "delete_message"), 403, "permission_denied");
    expect(can("trip", "participant", "confirm_payment", { isOwner: true })).toBe(true);
    expectDomainError(() => assertCan("purchase", "participant", "confirm_payment"), 403, "permission_denied");
    expect(can("event", "participant", "edit_proposal", { isOwner: true })).toBe(true);
  });

  it("staff act as organizers", () => {
    expect(effectiveRole({ kind: "staff" })).toBe("organizer");
    expect(effectiveRole({ kind: "participant", participantId: pid(1), role: "participant" })).toBe("participant");
    expect(effectiveRole({ kind: "participant", participantId: pid(1), role: null })).toBeNull();
  });

  it("the last organizer stays", () => {
    assertKeepsAnOrganizer({ role: "organizer" }, 2);
    assertKeepsAnOrganizer({ role: "participant" }, 1);
    expectDomainError(() => assertKeepsAnOrganizer({ role: "organizer" }, 1), 409, "last_organizer");
  });
});
