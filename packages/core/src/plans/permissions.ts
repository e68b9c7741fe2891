import { DomainError } from "../errors.js";
import type { PlanRole, PlanType } from "./schemas/plans.js";

/**
 * Who is acting on a plan. Organization staff (dashboard users, secret keys) act with
 * organizer authority on every plan of their organization; a participant acts with their role
 * in the plan, or none when they are not (or no longer) in it.
 */
export type PlanActor = { kind: "staff" } | { kind: "participant"; participantId: string; role: PlanRole | null };

/** The role that governs what `actor` may do: staff count as organizers. */
export function effectiveRole(actor: PlanActor): PlanRole | null {
  return actor.kind === "staff" ? "organizer" : actor.role;
}

export const PLAN_PERMISSIONS = [
  "read",
  "update_plan",
  "change_status",
  "manage_invites",
  "manage_participants",
  "propose",
  "edit_proposal",
  "decide_proposal",
  "vote",
  "commit",
  "record_expense",
  "edit_expense",
  "delete_expense",
  "record_payment",
  "confirm_payment",
  "cancel_payment",
  "chat",
  "edit_message",
  "delete_message",
  "moderate_messages",
] as const;
export type PlanPermission = (typeof PLAN_PERMISSIONS)[number];

/**
 * - `member`: anyone in the plan.
 * - `organizer`: organizers only.
 * - `collaborative`: anyone in a trip; organizers only in event and purchase plans.
 * - `owner`: only the one it belongs to (the author of a message).
 * - `owner_or_organizer`: the one it belongs to, or an organizer.
 */
type Rule = "member" | "organizer" | "collaborative" | "owner" | "owner_or_organizer";

const RULES: Record<PlanPermission, Rule> = {
  read: "member",
  update_plan: "organizer",
  change_status: "organizer",
  manage_invites: "organizer",
  manage_participants: "organizer",
  propose: "collaborative",
  edit_proposal: "owner_or_organizer", // owner: its author
  decide_proposal: "organizer", // reject, reopen, finalize
  vote: "member",
  commit: "member",
  record_expense: "member",
  edit_expense: "owner_or_organizer", // owner: who recorded it or paid it (as for deleting it)
  delete_expense: "owner_or_organizer", // owner: who recorded it or paid it
  record_payment: "owner_or_organizer", // owner: the sender or the recipient
  confirm_payment: "owner_or_organizer", // owner: the recipient
  cancel_payment: "owner_or_organizer", // owner: the sender
  chat: "member",
  edit_message: "owner", // nobody rewrites someone else's words
  delete_message: "owner_or_organizer",
  moderate_messages: "organizer", // hide and unhide anyone's message
};

export interface PermissionContext {
  /** Whether the actor owns the object (see the comments on each permission). */
  isOwner?: boolean;
}

export function can(planType: PlanType, role: PlanRole | null, permission: PlanPermission, ctx: PermissionContext = {}): boolean {
  if (role === null) return false;
  const organizer = role === "organizer";
  switch (RULES[permission]) {
    case "member":
      return true;
    case "organizer":
      return organizer;
    case "collaborative":
      return organizer || planType === "trip";
    case "owner":
      return ctx.isOwner === true;
    case "owner_or_organizer":
      return organizer || ctx.isOwner === true;
  }
}

/**
 * Throws when `role` may not do `permission`: 403 `not_a_participant` for someone outside the
 * plan, 403 `organizer_required` for a participant asking for an organizer's action, 403
 * `permission_denied` for someone else's object.
 */
export function assertCan(planType: PlanType, role: PlanRole | null, permission: PlanPermission, ctx: PermissionContext = {}): void {
  if (can(planType, role, permission, ctx)) return;
  if (role === null) throw new DomainError(403, "not_a_participant", "You are not a participant of this plan.");
  const rule = RULES[permission];
  if (rule === "organizer" || (rule === "collaborative" && role !== "organizer")) {
    const why = rule === "collaborative" ? ` In ${planType} plans only organizers add proposals.` : "";
    throw new DomainError(403, "organizer_required", `Only an organizer of this plan may ${TEXT[permission]}.${why}`);
  }
  throw new DomainError(
    403,
    "permission_denied",
    `Only ${OWNER_TEXT[permission] ?? "its owner"}${rule === "owner" ? "" : " or an organizer"} may ${TEXT[permission]}.`,
  );
}

const TEXT: Record<PlanPermission, string> = {
  read: "see this plan",
  update_plan: "edit the plan",
  change_status: "finalize, complete or cancel the plan",
  manage_invites: "manage invites",
  manage_participants: "remove participants or change their role",
  propose: "add proposals",
  edit_proposal: "edit this proposal",
  decide_proposal: "select or reject proposals",
  vote: "vote",
  commit: "commit to a proposal",
  record_expense: "record expenses",
  edit_expense: "edit this expense",
  delete_expense: "delete this expense",
  record_payment: "record a payment between other participants",
  confirm_payment: "confirm this payment as received",
  cancel_payment: "cancel this payment",
  chat: "chat",
  edit_message: "edit this message",
  delete_message: "delete this message",
  moderate_messages: "hide or unhide chat messages",
};

const OWNER_TEXT: Partial<Record<PlanPermission, string>> = {
  edit_proposal: "its author",
  edit_expense: "who recorded or paid it",
  delete_expense: "who recorded or paid it",
  record_payment: "the sender or the recipient",
  confirm_payment: "the recipient",
  cancel_payment: "the sender",
  edit_message: "its author",
  delete_message: "its author",
};

/** Trips are collaborative: every participant may propose. Event and purchase plans are organizer-driven. */
export const canPropose = (planType: PlanType, role: PlanRole | null) => can(planType, role, "propose");

/**
 * Removing or demoting an organizer must leave at least one: 409 `last_organizer` otherwise.
 * Enforce it in the write too, e.g.
 * `UPDATE plan_participants SET removed_at = ? WHERE id = ? AND (role <> 'organizer' OR
 *  (SELECT count(*) FROM plan_participants WHERE plan_id = ? AND role = 'organizer' AND removed_at IS NULL) > 1)`.
 */
export function assertKeepsAnOrganizer(target: { role: PlanRole }, activeOrganizerCount: number): void {
  if (target.role === "organizer" && activeOrganizerCount <= 1) {
    throw new DomainError(409, "last_organizer", "This is the plan's last organizer: promote someone else first.");
  }
}
