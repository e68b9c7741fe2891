import {
  type Checkin,
  type CheckinList,
  type CheckinListQuery,
  type CheckinRequest,
  type CreateCheckinList,
  newId,
  normalizeTicketCode,
  type Page,
} from "@gatherkit/core";
import { checkinLists, checkins, guests, orders, tickets, users } from "@gatherkit/db";
import { and, asc, count, eq, inArray, isNull, like, or, type SQL, sql } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { ApiError, conflict, notFound } from "../../../lib/errors.js";
import { insertWhen } from "../../../lib/guarded-insert.js";
import { guardedWrite } from "../../../lib/guarded-write.js";
import { answerOnCommit, resumedFrom, resumeOnCommit } from "../../../lib/idempotent-writes.js";
import { deliverSoon } from "../../../lib/outbox.js";
import { paginate } from "../../../lib/pagination.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { assertTicketTypesOfEvent, loadEvent } from "../access.js";
import { enqueueCheckinsChanged } from "../events.js";
import { linkInvalid, requireToken, tokenGuestId } from "../guests/guest-links.js";
import { isQrPayload, openQrPayload, qrPublicKey } from "../qr.js";

// Check-in lists and check-ins. A list belongs to one event and admits tickets of the types it
// names (every type when none); a check-in records one target (a ticket, for now) on one list.
// Named generically on purpose: the guests of an event can become another kind of target of the
// same lists. Staff of any role scan and undo; owners and admins make lists.

export type CheckinListRow = typeof checkinLists.$inferSelect;
type CheckinRow = typeof checkins.$inferSelect;

/** Who did it, as recorded: the member's user id or the secret key's id. */
const actorOf = (who: ReturnType<typeof requireOrganizer>) => (who.kind === "user" ? who.userId : who.keyId);

async function loadList(deps: Deps, caller: Caller | null, listId: string): Promise<CheckinListRow> {
  const who = requireOrganizer({ var: { caller } });
  const [row] = await deps.db
    .select()
    .from(checkinLists)
    .where(and(eq(checkinLists.id, listId), eq(checkinLists.orgId, who.orgId)))
    .limit(1);
  if (!row) throw notFound("Check-in list");
  return row;
}

/** The tickets a list admits: valid tickets of its event, of its types. */
const admitted = (list: CheckinListRow): SQL | undefined =>
  and(
    eq(tickets.eventId, list.eventId),
    eq(tickets.status, "valid"),
    list.ticketTypeIds === null ? undefined : inArray(tickets.ticketTypeId, list.ticketTypeIds),
  );

async function toCheckinList(deps: Deps, row: CheckinListRow): Promise<CheckinList> {
  const db = deps.db;
  const [[inside], [all], [confirmed]] = await db.batch([
    db
      .select({ n: count() })
      .from(checkins)
      .where(and(eq(checkins.listId, row.id), isNull(checkins.undoneAt))),
    db.select({ n: count() }).from(tickets).where(admitted(row)),
    db
      .select({ n: count() })
      .from(guests)
      .where(and(eq(guests.eventId, row.eventId), eq(guests.status, "confirmed"), sql`${row.admitsGuests ? 1 : 0} = 1`)),
  ]);
  return {
    id: row.id,
    eventId: row.eventId,
    name: row.name,
    ticketTypeIds: row.ticketTypeIds,
    admitsGuests: row.admitsGuests,
    checkedIn: inside?.n ?? 0,
    total: (all?.n ?? 0) + (confirmed?.n ?? 0),
    qrPublicKey: await qrPublicKey(deps.config),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

/** Adds a check-in list to an event (owners and admins); its types must be the event's (422 `unknown_ticket_type`). */
export async function createCheckinList(
  deps: Deps,
  caller: Caller | null,
  eventId: string,
  input: CreateCheckinList,
): Promise<CheckinList> {
  requireOrganizer({ var: { caller } }, ["owner", "admin"]);
  const { event } = await loadEvent(deps, caller, eventId);
  await assertTicketTypesOfEvent(deps, event.id, input.ticketTypeIds);
  const now = deps.now();
  const row: CheckinListRow = {
    id: newId("checkinList"),
    orgId: event.orgId,
    eventId: event.id,
    name: input.name,
    ticketTypeIds: input.ticketTypeIds ?? null,
    admitsGuests: input.admitsGuests,
    createdAt: now,
    updatedAt: now,
  };
  const created = await toCheckinList(deps, row);
  answerOnCommit(deps, 201, created);
  await deps.db.insert(checkinLists).values(row);
  return created;
}

export async function listCheckinLists(deps: Deps, caller: Caller | null, eventId: string): Promise<{ data: CheckinList[] }> {
  requireOrganizer({ var: { caller } });
  const { event } = await loadEvent(deps, caller, eventId);
  const rows = await deps.db
    .select()
    .from(checkinLists)
    .where(eq(checkinLists.eventId, event.id))
    .orderBy(asc(checkinLists.createdAt), asc(checkinLists.id));
  return { data: await Promise.all(rows.map((r) => toCheckinList(deps, r))) };
}

export async function getCheckinList(deps: Deps, caller: Caller | null, listId: string): Promise<CheckinList> {
  return toCheckinList(deps, await loadList(deps, caller, listId));
}

/** A check-in with its ticket (and whom it is for) or its guest (with their plus-ones), as the API shows it. */
const checkinView = {
  id: checkins.id,
  listId: checkins.listId,
  eventId: checkins.eventId,
  targetType: checkins.targetType,
  targetId: checkins.targetId,
  checkedInAt: checkins.checkedInAt,
  checkedInBy: checkins.checkedInBy,
  undoneAt: checkins.undoneAt,
  undoneBy: checkins.undoneBy,
  code: tickets.code,
  ticketTypeId: tickets.ticketTypeId,
  orderId: tickets.orderId,
  buyerName: orders.buyerName,
  guestName: guests.name,
  plusOnes: guests.plusOnes,
};
type CheckinViewRow = Omit<CheckinRow, "orgId"> & {
  code: string | null;
  ticketTypeId: string | null;
  orderId: string | null;
  buyerName: string | null;
  guestName: string | null;
  plusOnes: number | null;
};

function toCheckin(r: CheckinViewRow): Checkin {
  return {
    id: r.id,
    listId: r.listId,
    eventId: r.eventId,
    target:
      r.targetType === "guest"
        ? { type: "guest", id: r.targetId, name: r.guestName ?? "", plusOnes: r.plusOnes ?? 0 }
        : {
            type: "ticket",
            id: r.targetId,
            code: r.code ?? "",
            ticketTypeId: r.ticketTypeId ?? "",
            orderId: r.orderId ?? "",
            name: r.buyerName ?? "",
          },
    checkedInAt: toIso(r.checkedInAt),
    checkedInBy: r.checkedInBy,
    undoneAt: toIso(r.undoneAt),
    undoneBy: r.undoneBy,
  };
}

/** A check-in with its ticket and order, or its guest. */
const ticketJoin = and(eq(checkins.targetType, "ticket"), eq(tickets.id, checkins.targetId));
const guestJoin = and(eq(checkins.targetType, "guest"), eq(guests.id, checkins.targetId));

function viewQuery(deps: Deps) {
  return deps.db
    .select(checkinView)
    .from(checkins)
    .leftJoin(tickets, ticketJoin)
    .leftJoin(orders, eq(orders.id, tickets.orderId))
    .leftJoin(guests, guestJoin);
}

async function readCheckin(deps: Deps, where: SQL | undefined): Promise<Checkin | undefined> {
  const [row] = await viewQuery(deps).where(where).limit(1);
  return row ? toCheckin(row) : undefined;
}

/** How a person reads who checked a ticket in: the member's name, or the key. */
async function describeActor(deps: Deps, actor: string): Promise<string> {
  if (!actor.startsWith("usr_")) return `the secret key ${actor}`;
  const [u] = await deps.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, actor)).limit(1);
  return u ? `${u.name} (${u.email})` : actor;
}

/**
 * The ticket code a scan or a typed value names. A QR payload (`GK1:…`) is verified first: one
 * whose signature does not match (altered, truncated, forged) is refused with 422
 * `ticket_qr_invalid` before anything is looked up; a genuine one for another event is 422
 * `ticket_not_on_list`. Anything else is a typed code (null when it cannot be one).
 */
async function ticketCodeOf(deps: Deps, list: CheckinListRow, value: string): Promise<string | null> {
  if (!isQrPayload(value)) return normalizeTicketCode(value);
  const opened = await openQrPayload(deps.config, value);
  if (!opened)
    throw new ApiError(422, "ticket_qr_invalid", "This QR code is not a genuine ticket: its signature does not match. Do not admit it.");
  if (opened.eventId !== list.eventId) throw new ApiError(422, "ticket_not_on_list", "This QR code is a ticket for another event.");
  return normalizeTicketCode(opened.code);
}

/**
 * Checks a ticket in on a list by its code (staff of any role). The check-in row goes in only
 * if, as the statement runs, the ticket is still valid; a partial unique index allows one live
 * check-in per ticket and list, so of any number of concurrent scans exactly one checks it in
 * and the others answer 409 `already_checked_in` with when and by whom. Other refusals: 404
 * `ticket_not_found` (no such code in the organization), 422 `ticket_not_on_list` (another
 * event's ticket, or a type the list does not admit), 409 `ticket_void` (refunded).
 */
export async function checkIn(deps: Deps, caller: Caller | null, listId: string, input: CheckinRequest): Promise<Checkin> {
  const who = requireOrganizer({ var: { caller } });
  const list = await loadList(deps, caller, listId);
  // The retry of a request that died right after its check-in went in answers that check-in.
  const resumed = await resumedCheckin(deps, list);
  if (resumed) return resumed;
  const guestToken = guestTokenIn(input.code);
  if (guestToken) return checkInGuest(deps, list, guestToken, actorOf(who));
  const code = await ticketCodeOf(deps, list, input.code);
  const [ticket] = code
    ? await deps.db
        .select()
        .from(tickets)
        .where(and(eq(tickets.code, code), eq(tickets.orgId, list.orgId)))
        .limit(1)
    : [];
  if (!ticket) throw new ApiError(404, "ticket_not_found", `No ticket has the code ${input.code}.`);
  if (ticket.eventId !== list.eventId) throw new ApiError(422, "ticket_not_on_list", `Ticket ${ticket.code} is for another event.`);
  if (list.ticketTypeIds !== null && !list.ticketTypeIds.includes(ticket.ticketTypeId)) {
    throw new ApiError(422, "ticket_not_on_list", `This list (${list.name}) does not admit the type of ticket ${ticket.code}.`);
  }
  const stillValid = sql`EXISTS (SELECT 1 FROM ${tickets} WHERE ${tickets.id} = ${ticket.id} AND ${tickets.status} = 'valid')`;
  return writeCheckin(deps, list, { type: "ticket", id: ticket.id, name: `Ticket ${ticket.code}` }, actorOf(who), stillValid, async () => {
    const [now] = await deps.db.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticket.id)).limit(1);
    if (now?.status === "void") throw ticketVoid(ticket.code);
    throw conflict("The ticket changed while it was being checked in; try again.");
  });
}

/** The check-in on `list` this request wrote before it died (`resumeOnCommit`), if it resumes one. */
async function resumedCheckin(deps: Deps, list: CheckinListRow): Promise<Checkin | undefined> {
  const id = resumedFrom(deps);
  return id === undefined ? undefined : readCheckin(deps, and(eq(checkins.id, id), eq(checkins.listId, list.id)));
}

/**
 * The guest token a scan names: the token itself (`gst_….<hex>`), or the guest's invitation link
 * (a QR code of it) with the token in its `token` parameter; undefined for anything else.
 */
function guestTokenIn(code: string): string | undefined {
  const token = /^gst_[0-9a-z]{8,40}\.[0-9a-f]{32}$/;
  if (token.test(code)) return code;
  if (!/^https?:\/\//.test(code)) return undefined;
  const inLink = URL.canParse(code) ? new URL(code).searchParams.get("token") : null;
  return inLink && token.test(inLink) ? inLink : undefined;
}

/**
 * Checks a guest in (with their plus-ones) on a list that admits guests, by their personal token.
 * The check-in goes in only if, as the statement runs, the guest is still confirmed; the same
 * partial unique index as for tickets lets one live check-in per guest and list through. Refusals:
 * 404 `guest_link_invalid` (forged, revoked, another organization's), 422 `guest_not_on_list`
 * (another event's guest, or a list that admits tickets only), 409 `guest_not_confirmed`, 409
 * `already_checked_in`.
 */
async function checkInGuest(deps: Deps, list: CheckinListRow, token: string, actor: string): Promise<Checkin> {
  const [guest] = await deps.db
    .select()
    .from(guests)
    .where(and(eq(guests.id, tokenGuestId(token)), eq(guests.orgId, list.orgId)))
    .limit(1);
  if (!guest) throw linkInvalid();
  await requireToken(deps, token, guest);
  if (guest.eventId !== list.eventId) throw new ApiError(422, "guest_not_on_list", `${guest.name} is a guest of another event.`);
  if (!list.admitsGuests) throw new ApiError(422, "guest_not_on_list", `This list (${list.name}) admits tickets only, not guests.`);
  const stillConfirmed = sql`EXISTS (SELECT 1 FROM ${guests} WHERE ${guests.id} = ${guest.id} AND ${guests.status} = 'confirmed')`;
  return writeCheckin(deps, list, { type: "guest", id: guest.id, name: guest.name }, actor, stillConfirmed, async () => {
    const [now] = await deps.db.select({ status: guests.status }).from(guests).where(eq(guests.id, guest.id)).limit(1);
    throw new ApiError(
      409,
      "guest_not_confirmed",
      `${guest.name} is ${now?.status ?? "no longer a guest"}, not confirmed: do not admit them.`,
    );
  });
}

/**
 * The one check-in write, for a ticket or a guest: the row goes in only if `admitted` holds as the
 * statement runs, and the partial unique index (one live check-in per target and list) lets one of
 * any number of concurrent scans through. When nothing was written: 409 `already_checked_in` (when
 * and by whom) if a live check-in is there, else `refused` says why the target is not admitted.
 */
async function writeCheckin(
  deps: Deps,
  list: CheckinListRow,
  target: { type: "ticket" | "guest"; id: string /** How the answer names it: `Ticket ABC…` or the guest's name. */; name: string },
  actor: string,
  admitted: SQL,
  refused: () => Promise<never>,
): Promise<Checkin> {
  const id = newId("checkin");
  const insert = insertWhen(
    deps.db,
    checkins,
    {
      id,
      orgId: list.orgId,
      eventId: list.eventId,
      listId: list.id,
      targetType: target.type,
      targetId: target.id,
      checkedInAt: deps.now(),
      checkedInBy: actor,
      undoneAt: null,
      undoneBy: null,
    },
    admitted,
  )
    .onConflictDoNothing()
    .returning({ id: checkins.id });
  resumeOnCommit(deps, id, sql`EXISTS (SELECT 1 FROM ${checkins} WHERE ${checkins.id} = ${id})`);
  await guardedWrite(deps, [insert, enqueueCheckinsChanged(deps, list.orgId, list.eventId, list.id)], {
    written: ([rows]) => (rows.length > 0 ? true : undefined),
    explain: async () => {
      const live = await readCheckin(deps, and(eq(checkins.listId, list.id), eq(checkins.targetId, target.id), isNull(checkins.undoneAt)));
      if (live) {
        throw new ApiError(
          409,
          "already_checked_in",
          `${target.name} was already checked in at ${live.checkedInAt} by ${await describeActor(deps, live.checkedInBy)}.`,
        );
      }
      return refused();
    },
  });
  const done = await readCheckin(deps, eq(checkins.id, id));
  if (!done) throw notFound("Check-in");
  return done;
}

const ticketVoid = (code: string) => new ApiError(409, "ticket_void", `Ticket ${code} is void (its order was refunded): do not admit it.`);

/** Undoes a live check-in (staff of any role): the ticket can be checked in again. An undone one answers 409 `checkin_undone`. */
export async function undoCheckin(deps: Deps, caller: Caller | null, listId: string, checkinId: string): Promise<Checkin> {
  const who = requireOrganizer({ var: { caller } });
  const list = await loadList(deps, caller, listId);
  const where = and(eq(checkins.id, checkinId), eq(checkins.listId, list.id));
  const before = await readCheckin(deps, where);
  const now = deps.now();
  const actor = actorOf(who);
  // Its answer, the check-in as undone, is sealed with the write (if it takes effect).
  if (before && before.undoneAt === null) {
    answerOnCommit(
      deps,
      200,
      { ...before, undoneAt: toIso(now), undoneBy: actor },
      sql`EXISTS (SELECT 1 FROM ${checkins} WHERE ${checkins.id} = ${checkinId} AND ${checkins.undoneAt} = ${now} AND ${checkins.undoneBy} = ${actor})`,
    );
  }
  const [[undone]] = await deps.db.batch([
    deps.db
      .update(checkins)
      .set({ undoneAt: now, undoneBy: actor })
      .where(and(where, isNull(checkins.undoneAt)))
      .returning({ id: checkins.id }),
    enqueueCheckinsChanged(deps, list.orgId, list.eventId, list.id),
  ]);
  if (undone) deliverSoon(deps);
  const row = await readCheckin(deps, where);
  if (!row) throw notFound("Check-in");
  if (!undone) throw new ApiError(409, "checkin_undone", `This check-in was already undone at ${row.undoneAt}.`);
  return row;
}

/** Who is in: the list's live check-ins, latest first, optionally searched by name, email or ticket code (staff). */
export async function listCheckins(deps: Deps, caller: Caller | null, listId: string, query: CheckinListQuery): Promise<Page<Checkin>> {
  const list = await loadList(deps, caller, listId);
  const needle = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const search = needle
    ? or(
        like(orders.buyerName, sql`${needle} ESCAPE '\\'`),
        like(orders.buyerEmail, sql`${needle} ESCAPE '\\'`),
        like(tickets.code, sql`${needle} ESCAPE '\\'`),
        like(guests.name, sql`${needle} ESCAPE '\\'`),
        like(guests.email, sql`${needle} ESCAPE '\\'`),
      )
    : undefined;
  return paginate(
    { createdAt: checkins.checkedInAt, id: checkins.id },
    query,
    (p) =>
      deps.db
        .select({ ...checkinView, createdAt: checkins.checkedInAt })
        .from(checkins)
        .leftJoin(tickets, ticketJoin)
        .leftJoin(orders, eq(orders.id, tickets.orderId))
        .leftJoin(guests, guestJoin)
        .where(and(eq(checkins.listId, list.id), isNull(checkins.undoneAt), search, p.where))
        .orderBy(...p.orderBy)
        .limit(p.limit),
    (r) => toCheckin(r),
  );
}
