import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../../test/setup.js";
import { find, findAll, part, text } from "../../../test/dom.js";
import { FakeApi } from "../../../test/fake-api.js";
import { answerRoomWeek, booking, GARAGE, nextApi, ROOM, SEARCH } from "../../../test/fake-places.js";
import type { GkParkingMap } from "../../parking-map/parking-map.js";
import { PARKING_MAP_STRINGS } from "../../parking-map/parking-map.strings.js";
import "../../parking-map/parking-map.js";
import type { GkSlotPicker } from "../../slot-picker/slot-picker.js";
import { SLOT_PICKER_STRINGS } from "../../slot-picker/slot-picker.strings.js";
import "../../slot-picker/slot-picker.js";

/**
 * `<gk-parking-map>` and `<gk-slot-picker>` in German and Arabic: every state a visitor goes
 * through (search form and filters, list with rating, photos and reviews, the map's markers, the
 * booking form, the payment step, the confirmation; the week grid and its selection) shows no
 * sentence of the English table — checked on the text, `aria-label`s, `title`s and `alt`s — and
 * Arabic lays out right to left, each step axe-clean.
 */

/** Every English sentence (or, for a sentence with values, its longest fixed piece) that the other table words differently. */
function englishPieces(en: object, other: object): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown) => {
    if (typeof a === "string") {
      if (a.trim().length > 2 && a !== b) out.push(a.trim());
    } else if (typeof a === "function") {
      const hole = "\u0000";
      const pieces = String(a(hole, hole, hole))
        .split(hole)
        .map((p) => p.trim())
        .filter((p) => p.length > 3);
      const mine = typeof b === "function" ? String(b(hole, hole, hole)) : "";
      for (const p of pieces) if (!mine.includes(p)) out.push(p);
    } else if (a && typeof a === "object") {
      for (const [k, v] of Object.entries(a)) walk(v, (b as Record<string, unknown> | undefined)?.[k]);
    }
  };
  walk(en, other);
  return out;
}

/** What a visitor can see or hear of a widget: its text and its accessible names. */
function shown(el: Element): string {
  const root = el.shadowRoot!;
  const names = findAll(el, "[aria-label], [title], [alt], [abbr]").flatMap((n) =>
    ["aria-label", "title", "alt", "abbr"].map((a) => n.getAttribute(a) ?? ""),
  );
  return [root.textContent ?? "", ...names].join("\n").replace(/\s+/g, " ");
}

function expectNoEnglish(el: Element, pieces: string[]): void {
  const all = shown(el);
  const found = pieces.filter((p) => all.includes(p));
  expect(found, `English left in ${el.localName}: ${found.join(" | ")}`).to.deep.equal([]);
}

async function bookThrough(
  el: GkParkingMap | GkSlotPicker,
  api: FakeApi,
  place: { id: string },
  start: string,
  end: string,
  check: () => Promise<void>,
) {
  const form = part(el, "booking-form") as HTMLFormElement;
  (form.querySelector('[name="name"]') as HTMLInputElement).value = "Ana";
  form.requestSubmit();
  (await nextApi(api, /\/v1\/bookings$/)).respond(201, booking(place, "pending_payment", start, end));
  await waitUntil(() => part(el, "payment"), "the payment step never showed");
  await check();
  (part(el, "paid-button") as HTMLButtonElement).click();
  (await nextApi(api, /\/v1\/bookings\/bkg_/)).respond(200, booking(place, "confirmed", start, end));
  await waitUntil(() => part(el, "confirmation"), "the confirmation never showed");
  await check();
}

for (const lang of ["de", "ar"] as const) {
  describe(`the places widgets in ${lang}`, function () {
    this.timeout(60_000);

    it(`<gk-parking-map lang="${lang}">: search, list, details, map, booking, payment and confirmation`, async () => {
      const table = {
        ...(await import(`./locales/${lang}.ts`)).default,
        ...(await import(`../../parking-map/locales/${lang}.ts`)).default,
      };
      const pieces = englishPieces(PARKING_MAP_STRINGS, table);
      const api = new FakeApi();
      const host = await fixture<HTMLElement>(
        html`<div lang=${lang}><gk-parking-map .client=${api.client()} center="38.7107,-9.1366" start="2030-07-01T09:00:00.000Z"></gk-parking-map></div>`,
      );
      const el = host.firstElementChild as GkParkingMap;
      (await nextApi(api, /\/v1\/search\/places$/)).respond(200, SEARCH);
      await waitUntil(
        () => part(el, "list") && text(part(el, "window")).includes(table.showPlaces),
        "the list never showed in the language",
      );
      const details = part(el, "details") as HTMLDetailsElement;
      details.open = true;
      (await nextApi(api, /\/reviews$/)).respond(200, {
        data: [
          {
            id: "rev_0123456789abcdefghjk",
            placeId: GARAGE.id,
            rating: 4,
            text: "Gut.",
            authorName: "Ada",
            reply: { text: "Danke", createdAt: "2030-06-02T00:00:00.000Z" },
          },
        ],
        nextCursor: null,
      });
      await waitUntil(() => part(el, "reviews"), "the reviews never showed");
      (part(el, "filters") as HTMLDetailsElement).open = true;
      await waitUntil(() => findAll(el, ".gk-pin").length === 2, "the map never showed its markers", { timeout: 20_000 });
      expect(text(part(el, "price"))).to.contain(lang === "de" ? "6,00 €" : "€");
      if (lang === "de") {
        expect(text(part(el, "free"))).to.equal("4 von 5 frei");
        expect(text(part(el, "rating"))).to.equal("Bewertet mit 4,5 von 5 (2 Bewertungen)");
        expect(text(part(el, "price"))).to.equal("6,00 € für 2 Std.");
      } else {
        expect(el.getAttribute("dir")).to.equal("rtl");
        expect(getComputedStyle(part(el, "list")!).direction).to.equal("rtl");
      }
      expectNoEnglish(el, pieces);
      await expect(el).to.be.accessible();

      (part(el, "book-button") as HTMLButtonElement).click();
      await waitUntil(() => part(el, "booking-form"), "the booking form never showed");
      expectNoEnglish(el, pieces);
      await expect(el).to.be.accessible();
      await bookThrough(el, api, GARAGE, "2030-07-01T09:00:00.000Z", "2030-07-01T11:00:00.000Z", async () => {
        expectNoEnglish(el, pieces);
        await expect(el).to.be.accessible();
      });
    });

    it(`<gk-slot-picker lang="${lang}">: the week grid, a selection, booking, payment and confirmation`, async () => {
      const table = {
        ...(await import(`./locales/${lang}.ts`)).default,
        ...(await import(`../../slot-picker/locales/${lang}.ts`)).default,
      };
      const pieces = englishPieces(SLOT_PICKER_STRINGS, table);
      const api = new FakeApi();
      const host = await fixture<HTMLElement>(
        html`<div lang=${lang}><gk-slot-picker .client=${api.client()} place=${ROOM.id} date="2030-07-01"></gk-slot-picker></div>`,
      );
      const el = host.firstElementChild as GkSlotPicker;
      (await nextApi(api, /\/v1\/places\/plc_/)).respond(200, ROOM);
      await answerRoomWeek(api);
      await waitUntil(
        () => part(el, "grid") && text(part(el, "title")) === "Sala" && find(el, "#grid-help")?.textContent === table.gridHelp,
        "the grid never showed in the language",
      );
      if (lang === "de") {
        expect(text(find(el, ".picker > p.muted"))).to.equal("20,00 € pro Zeitfenster von 1 Std.");
        expect(text(part(el, "week"))).to.equal("1.–7. Juli");
      } else {
        expect(el.getAttribute("dir")).to.equal("rtl");
      }
      expectNoEnglish(el, pieces);
      await expect(el).to.be.accessible();
      (part(el, "slot") as HTMLElement).click();
      await waitUntil(() => part(el, "booking-form"), "the booking form never showed");
      expect(text(part(el, "selection"))).to.not.equal("");
      expectNoEnglish(el, pieces);
      await expect(el).to.be.accessible();
      await bookThrough(el, api, ROOM, "2030-07-01T10:00:00.000Z", "2030-07-01T11:00:00.000Z", async () => {
        expectNoEnglish(el, pieces);
        await expect(el).to.be.accessible();
      });
    });
  });
}

describe("the places widgets' refusals in German", () => {
  it("say why the API refused a booking in the widget's language (its code mapped; the English detail stays in the event)", async () => {
    const api = new FakeApi();
    const host = await fixture<HTMLElement>(
      html`<div lang="de"><gk-slot-picker .client=${api.client()} place=${ROOM.id} date="2030-07-01"></gk-slot-picker></div>`,
    );
    const el = host.firstElementChild as GkSlotPicker;
    (await nextApi(api, /\/v1\/places\/plc_/)).respond(200, ROOM);
    await answerRoomWeek(api);
    await waitUntil(() => part(el, "slot"), "the grid never showed");
    (part(el, "slot") as HTMLElement).click();
    await waitUntil(() => part(el, "booking-form"), "the booking form never showed");
    const form = part(el, "booking-form") as HTMLFormElement;
    (form.querySelector('[name="name"]') as HTMLInputElement).value = "Ana";
    form.requestSubmit();
    (await nextApi(api, /\/v1\/bookings$/)).respond(409, {
      type: "about:blank",
      title: "Conflict",
      status: 409,
      code: "place_full",
      detail: "No free spot is left for 2030-07-01T10:00:00.000Z–2030-07-01T11:00:00.000Z.",
    });
    await waitUntil(() => part(el, "form-error"), "the refusal never showed");
    expect(text(part(el, "form-error"))).to.equal("Für diesen Zeitraum ist kein Platz mehr frei.");
    await expect(el).to.be.accessible();
  });
});
