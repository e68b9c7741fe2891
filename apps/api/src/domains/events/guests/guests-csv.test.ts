import type { Guest, ImportReport } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { newGuest } from "../../../../test/guest-fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { parseCsv, toCsv, unescapeCell } from "./guests-csv.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
});
afterAll(() => t.close());

const FILE = [
  "Name,Email,Phone,Tags,Notes,max_plus_ones",
  'Ada Lovelace,ada@example.com,+351 912 345 678,family;vip,"Vegetarian, no nuts",2',
  "Bo,not-an-email,,,,",
  "Cy,cy@example.com,12,,,",
  ",dy@example.com,,,,",
  "Ed,ADA@example.com,,,,",
  "",
  "Flo,flo@example.com,,,,x",
  "Gus,gus@example.com,,,,",
].join("\r\n");

const importCsv = (eventId: string, body: unknown, token = org.secretKey) =>
  call(t, "POST", `/v1/events/${eventId}/guest-import`, { token, body });
const listed = async (eventId: string) =>
  expectStatus<{ data: Guest[] }>(await call(t, "GET", `/v1/events/${eventId}/guests?limit=100`, { token: org.secretKey }), 200).data;

describe("CSV", () => {
  it("reads quotes, doubled quotes and line breaks inside quotes; writes formulas harmless", () => {
    expect(parseCsv('a,"b ""c""",d\r\n"x\ny",,z')).toEqual({
      rows: [
        ["a", 'b "c"', "d"],
        ["x\ny", "", "z"],
      ],
    });
    expect(parseCsv('a,"b\nc')).toEqual({ unterminatedAt: 1 });
    expect(toCsv(["h"], [["=SUM(A1)"], ["a,b"], ['say "hi"'], ["-1"]])).toBe('h\r\n\'=SUM(A1)\r\n"a,b"\r\n"say ""hi"""\r\n\'-1\r\n');
  });

  it("previews each row's errors and writes nothing", async () => {
    const event = await newEvent(t, org);
    const report = expectStatus<ImportReport>(await importCsv(event.id, { csv: FILE }), 200);
    expect(report).toMatchObject({ valid: 2, invalid: 5, imported: 0 });
    const byRow = Object.fromEntries(report.rows.map((r) => [r.row, r.errors.map((e) => e.column)]));
    expect(byRow).toEqual({ 2: [], 3: ["email"], 4: ["phone"], 5: ["name"], 6: ["email"], 8: ["max_plus_ones"], 9: [] });
    expect(report.rows.every((r) => r.guestId === null)).toBe(true);
    expect(await listed(event.id)).toEqual([]);
  });

  it("all or nothing: a file with a bad row imports nothing (422 with each row's errors)", async () => {
    const event = await newEvent(t, org);
    const problem = expectProblem(await importCsv(event.id, { csv: FILE, mode: "all_or_nothing" }), 422, "csv_invalid");
    expect(problem.errors?.map((e) => e.path)).toContain("body.csv.row4.phone");
    expect(await listed(event.id)).toEqual([]);
    const good = "name,email\nAda,ada@example.com\nBo,bo@example.com\n";
    const report = expectStatus<ImportReport>(await importCsv(event.id, { csv: good, mode: "all_or_nothing" }), 200);
    expect(report.imported).toBe(2);
    expect((await listed(event.id)).map((g) => g.name).sort()).toEqual(["Ada", "Bo"]);
  });

  it("valid rows: the organizer confirms the good rows; they are then exported with their answers", async () => {
    const event = await newEvent(t, org);
    await newGuest(t, org, event, { name: "Gus already", email: "gus@example.com" });
    const report = expectStatus<ImportReport>(await importCsv(event.id, { csv: FILE, mode: "valid_rows" }), 200);
    expect(report).toMatchObject({ valid: 1, imported: 1 });
    expect(report.rows.find((r) => r.row === 9)?.errors).toEqual([{ column: "email", message: "is already on this event's guest list" }]);
    const ada = (await listed(event.id)).find((g) => g.name === "Ada Lovelace");
    expect(ada).toMatchObject({ phone: "+351912345678", tags: ["family", "vip"], notes: "Vegetarian, no nuts", maxPlusOnes: 2 });
    expect(report.rows[0]?.guestId).toBe(ada?.id);

    const res = await t.fetch(`http://api.test/v1/events/${event.id}/guest-export`, {
      headers: { authorization: `Bearer ${org.secretKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const parsed = parseCsv(await res.text());
    if (!("rows" in parsed)) throw new Error("the export is not CSV");
    const [header, ...rows] = parsed.rows;
    expect(header?.slice(0, 5)).toEqual(["id", "name", "email", "phone", "status"]);
    expect(rows.map((r) => r[1])).toEqual(["Gus already", "Ada Lovelace"]);
    expect(rows[1]?.[8]).toBe("Vegetarian, no nuts");
  });

  it("an exported file imports again with no row errors: the formula guard's `'` comes off and the export's own columns are read past", async () => {
    const from = await newEvent(t, org);
    await newGuest(t, org, from, { name: "Ada", email: "ada.roundtrip@example.com", phone: "+351 912 345 678", tags: ["@team", "vip"] });
    await newGuest(t, org, from, { name: "-Dash", notes: "=1+1, then @noon", maxPlusOnes: 2 });
    const res = await t.fetch(`http://api.test/v1/events/${from.id}/guest-export`, {
      headers: { authorization: `Bearer ${org.secretKey}` },
    });
    const csv = await res.text();
    expect(csv).toContain("'+351912345678");
    const to = await newEvent(t, org);
    const report = expectStatus<ImportReport>(await importCsv(to.id, { csv, mode: "all_or_nothing" }), 200);
    expect(report.rows.flatMap((r) => r.errors)).toEqual([]);
    expect(report).toMatchObject({ valid: 2, invalid: 0, imported: 2 });
    const strip = (g: Guest) => ({
      name: g.name,
      email: g.email,
      phone: g.phone,
      tags: g.tags,
      notes: g.notes,
      maxPlusOnes: g.maxPlusOnes,
    });
    expect((await listed(to.id)).map(strip).sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      (await listed(from.id)).map(strip).sort((x, y) => x.name.localeCompare(y.name)),
    );
    // Only the guard's quote comes off: a value that merely starts with one keeps it.
    expect(unescapeCell("'-1")).toBe("-1");
    expect(unescapeCell("'quoted'")).toBe("'quoted'");
    expect(unescapeCell("''=x")).toBe("''=x");
  });

  it("refuses what is not a guest CSV, and another organization's event", async () => {
    const event = await newEvent(t, org);
    expectProblem(await importCsv(event.id, { csv: "email\nada@example.com\n" }), 400, "validation_failed");
    expectProblem(await importCsv(event.id, { csv: "name,shoe_size\nAda,38\n" }), 400, "validation_failed");
    expectProblem(await importCsv(event.id, { csv: 'name\n"Ada\n' }), 400, "validation_failed");
    expectProblem(await importCsv(event.id, { csv: "name\n\n" }), 400, "validation_failed");
    expectProblem(await importCsv(event.id, { csv: `name\n${"x\n".repeat(1001)}` }), 400, "validation_failed");
    expectProblem(await importCsv(event.id, { csv: "name\nAda\n", mode: "maybe" }), 400, "validation_failed");
    expectProblem(await importCsv(event.id, { csv: "name\nAda\n" }, other.secretKey), 404, "not_found");
    expectProblem(await call(t, "GET", `/v1/events/${event.id}/guest-export`, { token: other.secretKey }), 404, "not_found");
  });
});
