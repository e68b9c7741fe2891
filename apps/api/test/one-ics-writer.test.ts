import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * One iCalendar writer (issue 13): every .ics the project serves or sends — plan feeds, schedule,
 * booking and session feeds, invitations, confirmation attachments, a client calendar's export —
 * comes from packages/core/src/calendars/ics-writer.ts. This test fails when another source file
 * starts writing iCalendar components itself (a "BEGIN:VCALENDAR" / "BEGIN:VEVENT" / `BEGIN:${…}`
 * string literal), so the next feed cannot grow its own escaping, folding or UID rules.
 */
const root = resolve(import.meta.dirname, "../../..");
const WRITER = "packages/core/src/calendars/ics-writer.ts";
const ALLOWED = new Map([
  [WRITER, "the writer"],
  // An OpenAPI example of the .ics import's request body (input, not output).
  ["packages/core/src/calendars/schemas.ts", "the import body's example"],
  // The .ics reader: its error messages name the line they expected (`BEGIN:${name} never ends`).
  ["apps/api/src/domains/calendars/ics/ics-import.ts", "the reader"],
]);
const COMPONENT_LITERAL = /["'`]BEGIN:(?:V[A-Z]+|\$\{)/;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "dist", "test", ".wrangler", ".turbo"].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(?:[cm]?[jt]s|tsx|jsx|vue|html)$/.test(entry.name) && !/\.test\.[cm]?[jt]s$/.test(entry.name)) yield path;
  }
}

describe("one iCalendar writer", () => {
  it("only the writer writes iCalendar components", () => {
    const dirs = [
      "apps/api/src",
      "apps/dashboard/src",
      "apps/realtime/src",
      "packages/core/src",
      "packages/sdk/src",
      "packages/widgets/src",
      "examples",
    ];
    const writers: string[] = [];
    let scanned = 0;
    for (const dir of dirs) {
      for (const file of sources(join(root, dir))) {
        scanned++;
        const rel = relative(root, file);
        if (!ALLOWED.has(rel) && COMPONENT_LITERAL.test(readFileSync(file, "utf8"))) writers.push(rel);
      }
    }
    expect(scanned).toBeGreaterThan(200); // the walk found the sources
    expect(COMPONENT_LITERAL.test(readFileSync(join(root, WRITER), "utf8"))).toBe(true);
    expect(writers, "write iCalendar with core's writeIcs / icsEventLines instead").toEqual([]);
  });
});
