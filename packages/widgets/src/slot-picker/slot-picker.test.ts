import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { sendKeys } from "@web/test-runner-commands";
import { active, findAll, part, parts, text } from "../../test/dom.js";
import { FakeApi } from "../../test/fake-api.js";
import type { GkSlotPicker } from "./slot-picker.js";
import "./slot-picker.js";

/** The states the real-API tests cannot hold still: loading, an empty day, configuration mistakes. */
describe("<gk-slot-picker> states", () => {
  it("a spinner while the place loads, and what is missing without a place", async () => {
    const api = new FakeApi();
    const el = await fixture<GkSlotPicker>(
      html`<gk-slot-picker .client=${api.client()} place="plc_0123456789abcdefghjk"></gk-slot-picker>`,
    );
    const request = await api.next();
    expect(request.url.pathname).to.equal("/v1/places/plc_0123456789abcdefghjk");
    expect(part(el, "loading")).to.not.equal(null);
    await expect(el).to.be.accessible();
    request.respond(404, { type: "about:blank", title: "Not Found", status: 404, code: "not_found", detail: "Place not found." });

    await waitUntil(() => part(el, "error"), "no error shown");
    expect(text(part(el, "error")!.querySelector("p"))).to.equal("Place not found.");

    const none = await fixture<GkSlotPicker>(html`<gk-slot-picker .client=${api.client()}></gk-slot-picker>`);
    await none.updateComplete;
    await none.updateComplete;
    expect(text(part(none, "error"))).to.equal("<gk-slot-picker> needs a place attribute: the place's id (plc_…).");
  });

  it("a week without free slots says so, and shows the full slots as unavailable cells", async () => {
    const api = new FakeApi();
    const el = await fixture<GkSlotPicker>(
      html`<gk-slot-picker .client=${api.client()} place="plc_0123456789abcdefghjk" date="2030-07-01"></gk-slot-picker>`,
    );
    (await api.next()).respond(200, PLACE);
    await waitUntil(() => part(el, "slots-status"), "no slots view");
    expect(text(part(el, "slots-status"))).to.equal("Loading the slots…");
    // Taken slots are not offered: a week whose slots are all booked is a week without free slots.
    const asked = await answerWeek(api, "2030-07-01", () => 0);
    expect(asked).to.deep.equal(WEEK);
    await waitUntil(() => part(el, "grid"), "the grid never showed");
    expect(text(part(el, "slots-status"))).to.equal("No free slots this week.");
    expect(parts(el, "slot")).to.have.length(0);
    expect(parts(el, "unavailable")).to.have.length(21);
    expect(parts(el, "unavailable").every((c) => c.getAttribute("aria-disabled") === "true")).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it("is a WAI-ARIA grid: one cell in the tab order, arrows, Home/End, Page Down to the next week, Enter selects and announces", async () => {
    const api = new FakeApi();
    const el = await fixture<GkSlotPicker>(
      html`<gk-slot-picker .client=${api.client()} place="plc_0123456789abcdefghjk" date="2030-07-01"></gk-slot-picker>`,
    );
    const picker = el;
    (await api.next()).respond(200, PLACE);
    // Monday's 09:00 is full; Monday 10:00 is the week's first free slot.
    await answerWeek(api, "2030-07-01", (date, hour) => (date === "2030-07-01" && hour === 9 ? 0 : 1));
    await waitUntil(() => part(picker, "grid"), "the grid never showed");
    const grid = part(picker, "grid")!;
    expect(grid.getAttribute("role")).to.equal("grid");
    // A column per day (after the time column), named by the whole date; a row per start time.
    const days = findAll(picker, '[role="columnheader"]');
    expect(days).to.have.length(8);
    expect(text(days[1]!.querySelector(".visually-hidden"))).to.equal(
      new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(
        new Date("2030-07-01T12:00:00Z"),
      ),
    );
    // Row headers are the place's local start times as the widget's language writes them.
    const at = (t: string) =>
      new Intl.DateTimeFormat(undefined, { timeStyle: "short", timeZone: "UTC" }).format(new Date(`2000-01-01T${t}:00Z`));
    expect(findAll(picker, '[role="rowheader"]').map((h) => text(h))).to.deep.equal([at("09:00"), at("10:00"), at("11:00")]);
    const inTabOrder = () => findAll(picker, '[role="gridcell"]').filter((c) => c.tabIndex === 0);
    expect(inTabOrder().map(cellOf)).to.deep.equal(["2030-07-01 10:00"]);
    await expect(picker).to.be.accessible();

    // Tab from the week buttons reaches the grid's one cell.
    part(picker, "next-week")!.focus();
    await sendKeys({ press: "Tab" });
    expect(cellOf(active())).to.equal("2030-07-01 10:00");
    const press = async (key: string) => {
      const [modifier, k] = key.includes("+") ? key.split("+") : [undefined, key];
      if (modifier) await sendKeys({ down: modifier });
      await sendKeys({ press: k! });
      if (modifier) await sendKeys({ up: modifier });
      await picker.updateComplete;
    };
    await press("ArrowRight");
    expect(cellOf(active())).to.equal("2030-07-02 10:00");
    await press("ArrowDown");
    expect(cellOf(active())).to.equal("2030-07-02 11:00");
    await press("ArrowDown"); // the last row: stays
    expect(cellOf(active())).to.equal("2030-07-02 11:00");
    await press("ArrowUp");
    await press("ArrowUp");
    await press("ArrowUp"); // the first row: stays
    expect(cellOf(active())).to.equal("2030-07-02 09:00");
    await press("End");
    expect(cellOf(active())).to.equal("2030-07-07 09:00");
    await press("Home");
    expect(cellOf(active())).to.equal("2030-07-01 09:00");
    await press("Control+End");
    expect(cellOf(active())).to.equal("2030-07-07 11:00");
    await press("Control+Home");
    expect(cellOf(active())).to.equal("2030-07-01 09:00");
    expect(inTabOrder()).to.have.length(1);

    // Enter on a full cell selects nothing; on a free one it selects and announces it.
    await press("Enter");
    expect(part(picker, "booking")).to.equal(null);
    expect(text(part(picker, "selection"))).to.equal("");
    await press("ArrowDown");
    await press("Enter");
    expect(cellOf(active())).to.equal("2030-07-01 10:00");
    expect(active()!.getAttribute("aria-selected")).to.equal("true");
    expect(findAll(picker, '[aria-selected="true"]')).to.have.length(1);
    expect(part(picker, "selection")!.getAttribute("role")).to.equal("status");
    expect(text(part(picker, "selection"))).to.match(/^Selected: .+, .+\. Book it below\.$/);
    expect(text(part(picker, "booking-summary"))).to.match(/€20\.00$/);
    await expect(picker).to.be.accessible();
    // Space selects too, and moves the selection.
    await press("ArrowRight");
    await press(" ");
    expect(findAll(picker, '[aria-selected="true"]').map(cellOf)).to.deep.equal(["2030-07-02 10:00"]);
    // Tab leaves the grid for the booking form.
    await press("Tab");
    expect((active() as HTMLInputElement).name).to.equal("name");
    await press("Shift+Tab");
    expect(cellOf(active())).to.equal("2030-07-02 10:00");

    // Past the last day: the next week loads and the keyboard lands on its first day, same time.
    await press("End");
    await press("ArrowRight");
    expect(await answerWeek(api, "2030-07-08", () => 1)).to.deep.equal(WEEK.map((d) => addDays(d, 7)));
    await waitUntil(() => cellOf(active()) === "2030-07-08 10:00", "focus never reached the next week");
    expect(text(part(picker, "week"))).to.match(/8.*14/);
    await press("PageUp");
    await answerWeek(api, "2030-07-01", () => 1);
    await waitUntil(() => cellOf(active()) === "2030-07-01 10:00", "Page Up never went back a week");
    await press("PageDown");
    await answerWeek(api, "2030-07-08", () => 1);
    await waitUntil(() => cellOf(active()) === "2030-07-08 10:00", "Page Down never went on a week");
    await expect(picker).to.be.accessible();
  });
});

const WEEK = ["2030-07-01", "2030-07-02", "2030-07-03", "2030-07-04", "2030-07-05", "2030-07-06", "2030-07-07"];
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const cellOf = (c: Element | null) => (c instanceof HTMLElement ? `${c.dataset.date} ${c.dataset.time}` : String(c));

/** Answers the 7 day requests of the week from `start` (09:00–12:00 UTC, three hour slots), free counts from `free`; returns the dates asked. */
async function answerWeek(api: FakeApi, start: string, free: (date: string, hour: number) => number): Promise<string[]> {
  const asked: string[] = [];
  while (asked.length < 7) {
    const r = await api.next();
    if (r.url.pathname === "/v1/realtime/tokens") continue; // the live room: left waiting, so no live change comes
    expect(r.url.pathname).to.equal("/v1/places/plc_0123456789abcdefghjk/slots");
    const date = r.url.searchParams.get("date")!;
    asked.push(date);
    r.respond(200, {
      placeId: PLACE.id,
      date,
      slots: [9, 10, 11].map((h) => ({
        start: `${date}T${String(h).padStart(2, "0")}:00:00.000Z`,
        end: `${date}T${String(h + 1).padStart(2, "0")}:00:00.000Z`,
        freeCapacity: free(date, h),
      })),
    });
  }
  expect(asked.slice().sort()[0]).to.equal(start);
  return asked.sort();
}

const PLACE = {
  id: "plc_0123456789abcdefghjk",
  kind: "room",
  name: "Room Delta",
  description: "",
  address: { line1: "Rua Augusta 24", city: "Lisbon", country: "PT" },
  location: { lat: 38.71, lng: -9.14 },
  timeZone: "UTC",
  capacity: 1,
  pricing: { mode: "slot", currency: "EUR", perSlot: 2000 },
  openingHours: null,
  features: [],
  images: [],
  active: true,
  slots: { lengthMinutes: 60, bufferMinutes: 0 },
  horizonDays: 3650,
  leadMinutes: 0,
  reviewModeration: true,
  rating: { average: null, count: 0 },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
