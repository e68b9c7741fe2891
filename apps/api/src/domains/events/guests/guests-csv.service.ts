import { CreateGuestSchema, GUEST_CSV_COLUMNS, type ImportGuests, type ImportReport, newId } from "@gatherkit/core";
import { guests } from "@gatherkit/db";
import { asc, eq } from "drizzle-orm";
import { requireOrganizer } from "../../../lib/auth.js";
import { isUniqueViolation } from "../../../lib/db-errors.js";
import { ApiError } from "../../../lib/errors.js";
import { answerOnCommit } from "../../../lib/idempotent-writes.js";
import { toIso } from "../../../lib/time.js";
import type { Caller, Deps } from "../../../lib/types.js";
import { toE164 } from "../../../platform/notifications/index.js";
import { type EventRow, loadEvent } from "../access.js";
import { parseCsv, toCsv, unescapeCell } from "./guests-csv.js";
import { ensureSettings, type GuestRow } from "./rsvp.js";

const MAX_ROWS = 1000;
/** Columns the export adds that an import reads past (the guest's id and answer are the API's to set). */
const EXPORT_ONLY = ["id", "status", "plus_ones", "plus_one_names", "invited_at", "responded_at"];
type Column = (typeof GUEST_CSV_COLUMNS)[number];
const FIELD_COLUMN: Record<string, Column> = {
  name: "name",
  email: "email",
  phone: "phone",
  tags: "tags",
  notes: "notes",
  maxPlusOnes: "max_plus_ones",
};

const badCsv = (message: string) =>
  new ApiError(400, "validation_failed", `body.csv: ${message}`, { errors: [{ path: "body.csv", message }] });

async function organizerEvent(deps: Deps, caller: Caller | null, eventId: string): Promise<EventRow> {
  requireOrganizer({ var: { caller } });
  return (await loadEvent(deps, caller, eventId)).event;
}

/**
 * Imports guests from CSV (organizers). Every row is checked (the same rules as adding one guest,
 * plus no email twice in the file or already on the list) and reported with its errors; `preview`
 * writes nothing, `all_or_nothing` writes every row or none (422 `csv_invalid`), `valid_rows` the
 * good rows only. The rows written go in one `db.batch`, so an import is never half-written.
 */
export async function importGuests(deps: Deps, caller: Caller | null, eventId: string, input: ImportGuests): Promise<ImportReport> {
  const event = await organizerEvent(deps, caller, eventId);
  await ensureSettings(deps, event);
  const parsed = parseCsv(input.csv);
  if ("unterminatedAt" in parsed) throw badCsv(`a quoted field that starts on line ${parsed.unterminatedAt} is never closed`);
  const [head, ...lines] = parsed.rows;
  const header = (head ?? []).map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(GUEST_CSV_COLUMNS as readonly string[]).includes(h) && !EXPORT_ONLY.includes(h));
  if (unknown.length > 0)
    throw badCsv(`unknown column ${unknown.map((u) => JSON.stringify(u)).join(", ")}; the columns are ${GUEST_CSV_COLUMNS.join(", ")}`);
  if (!header.includes("name")) throw badCsv("the header row must name a `name` column");
  if (new Set(header).size !== header.length) throw badCsv("the header row names a column twice");
  const body = lines.map((cells, i) => ({ row: i + 2, cells })).filter((l) => l.cells.some((c) => c.trim() !== ""));
  if (body.length === 0) throw badCsv("no guest rows after the header");
  if (body.length > MAX_ROWS) throw badCsv(`at most ${MAX_ROWS} rows per import (this file has ${body.length})`);

  const existing = new Set(
    (await deps.db.select({ email: guests.email }).from(guests).where(eq(guests.eventId, event.id))).flatMap((g) =>
      g.email ? [g.email] : [],
    ),
  );
  const seen = new Map<string, number>();
  const now = deps.now();
  const checked = body.map(({ row, cells }) => {
    const errors: { column: string; message: string }[] = [];
    if (cells.length > header.length) errors.push({ column: "", message: `has ${cells.length} cells for ${header.length} columns` });
    const get = (c: Column) => {
      const i = header.indexOf(c);
      const v = i < 0 ? "" : unescapeCell((cells[i] ?? "").trim());
      return v === "" ? undefined : v;
    };
    const maxPlusOnes = get("max_plus_ones");
    const result = CreateGuestSchema.safeParse({
      name: get("name") ?? "",
      email: get("email"),
      phone: get("phone"),
      tags: (get("tags") ?? "")
        .split(";")
        .map((t) => t.trim())
        .filter((t) => t !== ""),
      notes: get("notes"),
      maxPlusOnes: maxPlusOnes === undefined ? undefined : /^\d+$/.test(maxPlusOnes) ? Number(maxPlusOnes) : maxPlusOnes,
    });
    let guest: GuestRow | undefined;
    if (!result.success) {
      for (const issue of result.error.issues) errors.push({ column: FIELD_COLUMN[String(issue.path[0])] ?? "", message: issue.message });
    } else {
      const g = result.data;
      const phone = g.phone == null ? null : (toE164(g.phone) ?? null);
      if (g.phone != null && phone === null)
        errors.push({ column: "phone", message: "is not a valid phone number (give it in international form, such as +351 912 345 678)" });
      if (g.email) {
        if (existing.has(g.email)) errors.push({ column: "email", message: "is already on this event's guest list" });
        const twice = seen.get(g.email);
        if (twice !== undefined) errors.push({ column: "email", message: `is also on row ${twice}` });
        else seen.set(g.email, row);
      }
      guest = {
        id: newId("guest"),
        orgId: event.orgId,
        eventId: event.id,
        name: g.name,
        email: g.email ?? null,
        phone,
        tags: g.tags,
        notes: g.notes,
        maxPlusOnes: g.maxPlusOnes ?? null,
        status: "invited",
        plusOnes: 0,
        plusOneNames: [],
        answers: {},
        waitlistedAt: null,
        writeId: null,
        tokenVersion: 0,
        version: 0,
        invitedAt: null,
        respondedAt: null,
        createdAt: now + row, // keeps the file's order in "newest first" lists
        updatedAt: now,
      };
    }
    return { row, errors, guest: errors.length === 0 ? guest : undefined };
  });

  const invalid = checked.filter((c) => c.errors.length > 0);
  if (input.mode === "all_or_nothing" && invalid.length > 0) {
    const errors = invalid.flatMap((c) =>
      c.errors.map((e) => ({ path: `body.csv.row${c.row}${e.column ? `.${e.column}` : ""}`, message: e.message })),
    );
    throw new ApiError(422, "csv_invalid", `${invalid.length} of ${checked.length} rows have errors; nothing was imported.`, { errors });
  }
  const toWrite = input.mode === "preview" ? [] : checked.flatMap((c) => (c.guest ? [c.guest] : []));
  const written = new Set(toWrite.map((g) => g.id));
  const report: ImportReport = {
    rows: checked.map((c) => ({
      row: c.row,
      ok: c.errors.length === 0,
      errors: c.errors,
      guestId: c.guest && written.has(c.guest.id) ? c.guest.id : null,
    })),
    valid: checked.length - invalid.length,
    invalid: invalid.length,
    imported: toWrite.length,
  };
  const [first, ...rest] = toWrite.map((g) => deps.db.insert(guests).values(g));
  if (first) {
    // The report is sealed with the rows it imported: a retry after a crash gets it (no second import).
    answerOnCommit(deps, 200, report);
    try {
      await deps.db.batch([first, ...rest]);
    } catch (err) {
      if (isUniqueViolation(err, "guests.event_id")) {
        throw new ApiError(
          409,
          "guest_exists",
          "A guest of this file was added to the list while it was imported: nothing was imported, try again.",
        );
      }
      throw err;
    }
  }
  return report;
}

/** The guest list as CSV (organizers), oldest first, with each guest's answer. */
export async function exportGuests(deps: Deps, caller: Caller | null, eventId: string): Promise<string> {
  const event = await organizerEvent(deps, caller, eventId);
  const rows = await deps.db.select().from(guests).where(eq(guests.eventId, event.id)).orderBy(asc(guests.createdAt), asc(guests.id));
  return toCsv(
    [
      "id",
      "name",
      "email",
      "phone",
      "status",
      "plus_ones",
      "plus_one_names",
      "tags",
      "notes",
      "max_plus_ones",
      "invited_at",
      "responded_at",
    ],
    rows.map((g) => [
      g.id,
      g.name,
      g.email ?? "",
      g.phone ?? "",
      g.status,
      String(g.plusOnes),
      g.plusOneNames.join(";"),
      g.tags.join(";"),
      g.notes,
      g.maxPlusOnes === null ? "" : String(g.maxPlusOnes),
      toIso(g.invitedAt) ?? "",
      toIso(g.respondedAt) ?? "",
    ]),
  );
}
