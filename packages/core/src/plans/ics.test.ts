import fc from "fast-check";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { escapeIcsText } from "../calendars/ics-writer.js";
import { type IcsItem, type IcsPlan, icsForPlan } from "./ics.js";

const plan: IcsPlan = {
  id: "plan_0123456789abcdefghjk",
  title: "Lisbon, Sintra; and \\ more",
  description: "Three days.\nBring shoes, a hat; sunscreen.",
  location: { name: "Lisbon, Portugal", lat: 38.7223, lng: -9.1393 },
  startDate: "2030-07-01",
  endDate: "2030-07-03",
  timeZone: "Europe/Lisbon",
  status: "finalized",
  createdAt: "2030-05-01T10:00:00Z",
  updatedAt: "2030-06-01T10:00:00Z",
};

const item = (over: Partial<IcsItem> = {}): IcsItem => ({
  id: "prop_0123456789abcdefghjk",
  title: "Sunset sail",
  description: "",
  url: null,
  startsAt: "2030-07-02T17:30:00Z",
  endsAt: "2030-07-02T20:00:00Z",
  cost: null,
  createdAt: "2030-06-02T10:00:00Z",
  updatedAt: "2030-06-02T10:00:00Z",
  ...over,
});

const octets = (s: string) => new TextEncoder().encode(s).length;

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return { cal, events: cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v)) };
}

describe("icsForPlan", () => {
  const ics = icsForPlan(
    plan,
    [
      item({
        id: "prop_b000000000",
        title: "Pastéis de Belém 🥐, then the tower; \\o/",
        description: "Meet at the tram stop.\r\nDon't be late",
        url: "https://example.com/belem?x=1,2;3",
        cost: { kind: "per_person", amount: 1250, currency: "EUR" },
        startsAt: "2030-07-01T09:00:00Z",
        endsAt: "2030-07-01T11:00:00Z",
      }),
      item(),
      item({ id: "prop_c000000000", title: "Someday", startsAt: null, endsAt: null }),
    ],
    { now: "2030-06-15T08:00:00Z" },
  );

  it("uses CRLF everywhere and folds every line to 75 octets", () => {
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of ics.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(ics).toMatch(/\r\n [^ ]/); // the long lines were folded
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")).toBe(true);
  });

  it("parses back (ical.js) to the plan and its timed items, in order, with UTC times", () => {
    const { cal, events } = parse(ics);
    expect(cal.getFirstPropertyValue("x-wr-timezone")).toBe("Europe/Lisbon");
    // ical.js leaves properties it does not know (RFC 7986 NAME, X-WR-CALNAME) unescaped,
    // though RFC 5545 types them as TEXT: compare them escaped.
    expect(cal.getFirstPropertyValue("name")).toBe(escapeIcsText(plan.title));
    expect(cal.getFirstPropertyValue("x-wr-calname")).toBe(escapeIcsText(plan.title));
    expect(events.map((e) => e.uid)).toEqual([
      "plan_0123456789abcdefghjk@gatherkit.dev",
      "prop_b000000000@gatherkit.dev",
      "prop_0123456789abcdefghjk@gatherkit.dev",
    ]);
    const [whole, belem, sail] = events as [ICAL.Event, ICAL.Event, ICAL.Event];
    expect(whole.summary).toBe(plan.title);
    expect(whole.description).toBe(plan.description);
    expect(whole.location).toBe("Lisbon, Portugal");
    expect(whole.startDate.isDate).toBe(true);
    expect(whole.startDate.toString()).toBe("2030-07-01");
    expect(whole.endDate.toString()).toBe("2030-07-04"); // exclusive end: the day after the last
    expect(whole.component.getFirstPropertyValue("geo")).toEqual([38.7223, -9.1393]);
    expect(belem.summary).toBe("Pastéis de Belém 🥐, then the tower; \\o/");
    expect(belem.description).toBe("Meet at the tram stop.\nDon't be late\n\nCost: €12.50 per person\n\nhttps://example.com/belem?x=1,2;3");
    expect(belem.component.getFirstPropertyValue("url")).toBe("https://example.com/belem?x=1,2;3");
    expect(belem.startDate.toJSDate().toISOString()).toBe("2030-07-01T09:00:00.000Z");
    expect(belem.startDate.zone?.tzid).toBe("UTC");
    expect(sail.endDate.toJSDate().toISOString()).toBe("2030-07-02T20:00:00.000Z");
    for (const e of events) {
      expect(e.component.getFirstPropertyValue("dtstamp")?.toString()).toBe("2030-06-15T08:00:00Z");
      expect(e.component.getFirstPropertyValue("status")).toBe("CONFIRMED");
    }
    expect(ics).toContain("DTSTART:20300701T090000Z\r\n");
    // SEQUENCE: seconds from creation to the last change (the plan changed a month after it was made).
    expect(whole.sequence).toBe(31 * 86_400);
    expect(sail.sequence).toBe(0);
  });

  it("marks a cancelled plan's events cancelled and a planning one's tentative, and needs no dates", () => {
    const cancelled = parse(icsForPlan({ ...plan, status: "cancelled", startDate: null, endDate: null, location: null }, [item()]));
    expect(cancelled.events).toHaveLength(1);
    expect(cancelled.events[0]!.component.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(icsForPlan({ ...plan, status: "planning" }, [])).toContain("STATUS:TENTATIVE\r\n");
    const oneDay = parse(icsForPlan({ ...plan, endDate: null }, [])).events[0]!;
    expect(oneDay.endDate.toString()).toBe("2030-07-02");
  });

  it("any text survives escaping and folding", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), fc.string({ unit: "binary", maxLength: 200 }), (title, description) => {
        const out = icsForPlan({ ...plan, title, description }, []);
        for (const line of out.split("\r\n")) expect(octets(line)).toBeLessThanOrEqual(75);
        const whole = parse(out).events[0]!;
        // Line breaks of any kind come back as \n; other control characters are dropped.
        const expected = (s: string) =>
          s.replace(/\r\n|\r/g, "\n").replace(/[^\t\n\x20-\x7e\u0080-\uffff]|\x7f/gu, (c) => (c.length === 2 ? c : ""));
        expect(whole.summary ?? "").toBe(expected(title));
        if (description) expect(whole.description ?? "").toBe(expected(description));
      }),
      { numRuns: 60 },
    );
  });
});
