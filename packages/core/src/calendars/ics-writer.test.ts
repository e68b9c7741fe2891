import fc from "fast-check";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { escapeIcsText, foldIcsLine, type IcsEvent, icsSequence, writeIcs } from "./ics-writer.js";

const octets = (s: string) => new TextEncoder().encode(s).length;
const parse = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));

const event = (over: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: "evt_1@gatherkit.dev",
  stamp: Date.UTC(2030, 5, 15, 8),
  start: Date.UTC(2030, 6, 1, 9),
  end: Date.UTC(2030, 6, 1, 11),
  summary: "Kick-off",
  ...over,
});

describe("writeIcs", () => {
  it("folds multi-byte text at 75 octets without splitting a character, and ical.js reads it back whole", () => {
    // 2-, 3- and 4-octet characters, placed so a naive 75-character (or 75-octet byte) cut would land inside one.
    const summary = `${"x".repeat(60)}${"é".repeat(10)}${"東京".repeat(20)}${"🥐".repeat(30)}; a, b \\ c`;
    const description = `Première ligne\n${"Ünïcödé ".repeat(30)}\r\n${"👩‍👩‍👧".repeat(12)}`;
    const ics = writeIcs({ product: "Test", name: "Café «Zürich», 日本" }, [event({ summary, description, location: "Straße 5; 2. OG" })]);
    const lines = ics.split("\r\n");
    expect(lines.at(-1)).toBe("");
    for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(lines.filter((l) => l.startsWith(" ")).length).toBeGreaterThan(5);
    // Every physical line is valid UTF-8 on its own (no character cut in two): it survives a strict decode.
    const strict = new TextDecoder("utf-8", { fatal: true });
    for (const line of lines) expect(strict.decode(new TextEncoder().encode(line))).toBe(line);
    const [e] = parse(ics);
    expect(e?.summary).toBe(summary);
    expect(e?.description).toBe(description.replace(/\r\n/g, "\n"));
    expect(e?.location).toBe("Straße 5; 2. OG");
  });

  it("escapes TEXT (backslash, semicolon, comma, line breaks) and keeps parameters and URLs on one line", () => {
    const ics = writeIcs({ product: "Test" }, [
      event({
        summary: "a\\b;c,d\ne",
        organizer: { name: 'Ann "the host"\r\nX', email: "ann@example.com\r\nATTENDEE:mailto:x@example.com" },
        url: "https://example.com/?a=1,2;3\r\nX-INJECTED:1",
        extra: ["X-OK:1", "X-BAD:1\r\nX-INJECTED:1"],
        recurrence: ["RRULE:FREQ=WEEKLY;COUNT=2", "RRULE:FREQ=DAILY\r\nX-INJECTED:1", "X-NOT-RECURRENCE:1"],
      }),
    ]);
    expect(ics).toContain("SUMMARY:a\\\\b\\;c\\,d\\ne\r\n");
    expect(ics).not.toMatch(/^X-INJECTED/m); // no input starts a content line of its own
    expect(ics).not.toContain("X-NOT-RECURRENCE");
    expect(ics.match(/^ATTENDEE/gm)).toBeNull();
    const [e] = parse(ics);
    expect(e?.summary).toBe("a\\b;c,d\ne");
    expect(e?.component.getFirstPropertyValue("organizer")).toBe("mailto:ann@example.comATTENDEE:mailto:x@example.com");
    expect(e?.component.getFirstProperty("organizer")?.getParameter("cn")).toBe("Ann the hostX");
    expect(e?.component.getFirstPropertyValue("url")).toBe("https://example.com/?a=1,2;3X-INJECTED:1");
    expect(e?.component.getFirstPropertyValue("rrule")?.toString()).toBe("FREQ=WEEKLY;COUNT=2");
  });

  it("writes UID, SEQUENCE, DTSTAMP, UTC and all-day times, status and nothing clock-dependent", () => {
    const events = [
      event({ sequence: icsSequence(Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 1, 0, 1, 30)), status: "CANCELLED" }),
      event({ uid: "day@x", start: { date: "2030-07-01" }, end: { date: "2030-07-04" }, transparent: true }),
    ];
    const ics = writeIcs({ product: "Test", method: "PUBLISH", timeZone: "Europe/Paris", refreshMinutes: 15 }, events);
    expect(writeIcs({ product: "Test", method: "PUBLISH", timeZone: "Europe/Paris", refreshMinutes: 15 }, events)).toBe(ics);
    expect(
      ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Gatherkit//Test//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"),
    ).toBe(true);
    expect(ics).toContain("X-WR-TIMEZONE:Europe/Paris\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n");
    const [timed, day] = parse(ics);
    expect(timed?.uid).toBe("evt_1@gatherkit.dev");
    expect(timed?.sequence).toBe(90);
    expect(timed?.component.getFirstPropertyValue("dtstamp")?.toString()).toBe("2030-06-15T08:00:00Z");
    expect(timed?.startDate.toJSDate().toISOString()).toBe("2030-07-01T09:00:00.000Z");
    expect(timed?.startDate.zone?.tzid).toBe("UTC");
    expect(timed?.component.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(day?.startDate.isDate).toBe(true);
    expect(day?.endDate.toString()).toBe("2030-07-04");
    expect(day?.component.getFirstPropertyValue("transp")).toBe("TRANSPARENT");
    expect(icsSequence(10_000, 5_000)).toBe(0);
  });

  it("any text survives escaping and folding", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.string({ unit: "binary", maxLength: 200 }),
        (summary, description) => {
          const out = writeIcs({ product: "Test" }, [event({ summary, description })]);
          for (const line of out.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
          const [e] = parse(out);
          // Line breaks of any kind come back as \n; other control characters are dropped.
          const expected = (s: string) =>
            s.replace(/\r\n|\r/g, "\n").replace(/[^\t\n\x20-\x7e\u0080-\uffff]|\x7f/gu, (c) => (c.length === 2 ? c : ""));
          expect(e?.summary ?? "").toBe(expected(summary));
          if (description) expect(e?.description ?? "").toBe(expected(description));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("escapeIcsText", () => {
  it("escapes backslash, semicolon, comma and line breaks", () => {
    expect(escapeIcsText("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
    expect(escapeIcsText("tab\there\u0000\u001f\u007f")).toBe("tab\there");
  });
});

describe("foldIcsLine", () => {
  it("leaves short lines alone and folds long ones at 75 octets without splitting a character", () => {
    expect(foldIcsLine("x".repeat(75))).toBe("x".repeat(75));
    expect(foldIcsLine("x".repeat(76))).toBe(`${"x".repeat(75)}\r\n x`);
    // 'é' is 2 octets: 37 of them fill 74 octets, the 38th would make 76.
    const folded = foldIcsLine("é".repeat(80));
    const lines = folded.split("\r\n");
    expect(lines[0]).toBe("é".repeat(37));
    expect(lines.slice(1).every((l) => l.startsWith(" ") && octets(l) <= 75)).toBe(true);
    expect(lines.map((l, i) => (i ? l.slice(1) : l)).join("")).toBe("é".repeat(80));
  });

  it("unfolding gives back the line, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (s) => {
        const line = `SUMMARY:${s.replace(/[\r\n]/g, "")}`;
        const folded = foldIcsLine(line);
        for (const l of folded.split("\r\n")) expect(octets(l)).toBeLessThanOrEqual(75);
        expect(folded.replace(/\r\n /g, "")).toBe(line);
      }),
    );
  });
});

describe("zoned times", () => {
  /** Occurrences of a series as ical.js expands it, with the file's VTIMEZONEs as its only zone data. */
  function occurrences(ics: string, n: number): string[] {
    const cal = new ICAL.Component(ICAL.parse(ics));
    for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
    try {
      const [series] = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
      const it = series!.iterator();
      const out: string[] = [];
      for (let next = it.next(); next && out.length < n; next = it.next()) out.push(next.toJSDate().toISOString());
      return out;
    } finally {
      for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.remove(String(vtz.getFirstPropertyValue("tzid")));
    }
  }
  const weekly = (zone: string, at: number) =>
    writeIcs({ product: "Test" }, [
      event({ start: { at, timeZone: zone }, end: { at: at + 900_000, timeZone: zone }, recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"] }),
    ]);

  it("keeps a weekly 09:00 in Paris at 09:00 across the change to winter time (TZID and VTIMEZONE)", () => {
    // Saturday 19 October 2030, 09:00 in Paris (+02:00); Paris changes to +01:00 on Sunday 27 October.
    const ics = weekly("Europe/Paris", Date.UTC(2030, 9, 19, 7));
    expect(ics).toContain("DTSTART;TZID=Europe/Paris:20301019T090000\r\n");
    expect(ics).toContain("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n");
    expect(ics).toContain("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
    expect(occurrences(ics, 5)).toEqual(["2030-10-19T07:00:00.000Z", "2030-10-26T07:00:00.000Z", "2030-11-02T08:00:00.000Z"]);
  });

  it("works south of the equator, in a zone with no changes, and falls back to UTC for a zone it does not know", () => {
    // Sydney leaves daylight time on the first Sunday of April: 09:00 stays 09:00 (+11:00 → +10:00).
    expect(occurrences(weekly("Australia/Sydney", Date.UTC(2030, 2, 24, 22)), 5)).toEqual([
      "2030-03-24T22:00:00.000Z",
      "2030-03-31T22:00:00.000Z",
      "2030-04-07T23:00:00.000Z",
    ]);
    const tokyo = weekly("Asia/Tokyo", Date.UTC(2030, 0, 1, 0));
    expect(tokyo).toContain("DTSTART;TZID=Asia/Tokyo:20300101T090000\r\n");
    expect(tokyo).toContain("TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n");
    expect(occurrences(tokyo, 5)).toEqual(["2030-01-01T00:00:00.000Z", "2030-01-08T00:00:00.000Z", "2030-01-15T00:00:00.000Z"]);
    const unknown = weekly("Mars/Olympus\r\nX-INJECTED:1", Date.UTC(2030, 0, 1, 0));
    expect(unknown).toContain("DTSTART:20300101T000000Z\r\n");
    expect(unknown).not.toContain("VTIMEZONE");
  });
});
