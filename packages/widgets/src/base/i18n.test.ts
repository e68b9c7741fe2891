import { expect, fixture, html, waitUntil } from "@open-wc/testing";
import "../../test/setup.js";
import { FakeApi, problem } from "../../test/fake-api.js";
import type { TestLoader } from "../../test/test-elements.js";
import "../../test/test-elements.js";
import { formatCountdown, formatInstantRange, formatMoney } from "../internal/plans/format.js";
import { isRtl, pickTable, plural, resolveLocale } from "./i18n.js";

const TABLES = { de: 1, fr: 1, es: 1, ar: 1, "pt-BR": 1 };

describe("locale resolution", () => {
  let before: string;
  beforeEach(() => {
    before = document.documentElement.lang;
  });
  afterEach(() => {
    document.documentElement.lang = before;
  });

  it("takes the element's locale attribute over every lang", async () => {
    const el = await fixture(html`<div lang="fr"><span locale="de-CH" lang="es"></span></div>`);
    expect(resolveLocale(el.firstElementChild!)).to.equal("de-CH");
  });

  it("else the nearest lang attribute, the element's own first, across a shadow root", async () => {
    const outer = await fixture(html`<section lang="fr"><div><p></p></div></section>`);
    const p = outer.querySelector("p")!;
    expect(resolveLocale(p)).to.equal("fr");
    p.setAttribute("lang", "es");
    expect(resolveLocale(p)).to.equal("es");
    const inner = document.createElement("i");
    outer.querySelector("div")!.attachShadow({ mode: "open" }).append(inner);
    expect(resolveLocale(inner)).to.equal("fr");
  });

  it("else the page's <html lang>, else the browser's language", async () => {
    const el = await fixture(html`<div></div>`);
    document.documentElement.lang = "de";
    expect(resolveLocale(el)).to.equal("de");
    document.documentElement.removeAttribute("lang");
    expect(resolveLocale(el)).to.equal(Intl.getCanonicalLocales(navigator.language)[0]);
  });

  it("skips a malformed value rather than failing, and canonicalizes case", async () => {
    const el = await fixture(html`<div lang="es"><span locale="not a language!"></span><b lang="EN-gb"></b></div>`);
    expect(resolveLocale(el.querySelector("span")!)).to.equal("es");
    expect(resolveLocale(el.querySelector("b")!)).to.equal("en-GB");
  });

  it("picks the table of the whole tag, else of its language, else none (English)", () => {
    expect(pickTable("de-CH", TABLES)).to.equal("de");
    expect(pickTable("fr", TABLES)).to.equal("fr");
    expect(pickTable("pt-BR", TABLES)).to.equal("pt-BR");
    expect(pickTable("pt-PT", TABLES)).to.equal(undefined);
    expect(pickTable("en-US", TABLES)).to.equal(undefined);
    expect(pickTable("xx", TABLES)).to.equal(undefined);
  });

  it("knows which languages are written right to left", () => {
    expect(["ar", "ar-EG", "he", "fa-IR"].map(isRtl)).to.deep.equal([true, true, true, true]);
    expect(["en", "fr", "arn", "de"].map(isRtl)).to.deep.equal([false, false, false, false]);
  });
});

describe("formatting through Intl", () => {
  it("chooses plural forms by each language's rules", () => {
    const forms = { one: "one", few: "few", many: "many", other: "other" };
    expect([0, 1, 2].map((n) => plural("en", n, forms))).to.deep.equal(["other", "one", "other"]);
    // French counts 0 as singular; Polish has "few" for 2–4 and "many" for 5.
    expect([0, 1, 2].map((n) => plural("fr", n, forms))).to.deep.equal(["one", "one", "other"]);
    expect([1, 3, 5].map((n) => plural("pl", n, forms))).to.deep.equal(["one", "few", "many"]);
    expect(plural("pl", 3, { one: "bilet", other: "biletów" })).to.equal("biletów");
  });

  it("formats money in minor units by locale and currency", () => {
    expect(formatMoney(2500, "EUR", "de")).to.equal("25,00\u00a0€");
    expect(formatMoney(2500, "EUR", "fr")).to.equal("25,00\u00a0€");
    expect(formatMoney(2500, "EUR", "en")).to.equal("€25.00");
    expect(formatMoney(1234567, "USD", "en-US")).to.equal("$12,345.67");
    expect(formatMoney(500, "JPY", "de")).to.equal("500\u00a0¥");
  });

  it("formats instants in the given time zone, not the browser's", () => {
    // 19:30 UTC is 20:30 in Lisbon (summer) and 04:30 the next day in Tokyo.
    expect(formatInstantRange("2030-07-02T19:30:00Z", null, "Europe/Lisbon", "de")).to.equal("02.07.2030, 20:30");
    expect(formatInstantRange("2030-07-02T19:30:00Z", null, "Asia/Tokyo", "de")).to.equal("03.07.2030, 04:30");
    expect(formatInstantRange("2030-07-02T19:30:00Z", null, "Europe/Lisbon", "fr")).to.equal("2 juil. 2030, 20:30");
  });

  it("says relative times in the locale", () => {
    const now = Date.parse("2030-07-02T12:00:00Z");
    expect(formatCountdown("2030-07-04T12:00:00Z", now, "de")).to.equal("übermorgen");
    expect(formatCountdown("2030-07-02T15:00:00Z", now, "fr")).to.equal("dans 3 heures");
    expect(formatCountdown("2030-07-02T11:55:00Z", now, "es")).to.equal("hace 5 minutos");
    expect(formatCountdown("2030-07-02T12:00:20Z", now, "en")).to.equal("now");
  });
});

describe("a widget's state views in its locale", () => {
  it("loads the German table on demand, and maps an API error code to German while gk-error keeps the API's detail", async () => {
    const api = new FakeApi();
    const el = await fixture<TestLoader>(html`<gk-test-loader locale="de" .client=${api.client()} resource="health"></gk-test-loader>`);
    const spinner = () => el.shadowRoot!.querySelector('[role="progressbar"]')?.getAttribute("aria-label");
    await waitUntil(() => spinner() === "Wird geladen…", "the German table never loaded");
    let detail = "";
    el.addEventListener("gk-error", (e) => {
      detail = (e as CustomEvent<{ message: string }>).detail.message;
    });
    (await api.next()).respond(404, problem(404, "not_found", "No such thing."));
    await el.data.taskComplete.catch(() => {});
    await el.updateComplete;
    const error = el.shadowRoot!.querySelector('[part~="error"]')!;
    expect(error.querySelector("p")!.textContent).to.equal("Das wurde nicht gefunden.");
    expect(error.querySelector("button")!.textContent).to.equal("Erneut versuchen");
    expect(detail).to.equal("No such thing.");
  });

  it("falls back to English for a language without a table, and the page's messages still win", async () => {
    const api = new FakeApi();
    const el = await fixture<TestLoader>(
      html`<gk-test-loader locale="xx" .messages=${{ retry: "Again!" }} .client=${api.client()} resource="health"></gk-test-loader>`,
    );
    expect(el.shadowRoot!.querySelector('[role="progressbar"]')!.getAttribute("aria-label")).to.equal("Loading…");
    (await api.next()).respond(404, problem(404, "not_found", "No such thing."));
    await el.data.taskComplete.catch(() => {});
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="error"] p')!.textContent).to.equal("No such thing.");
    expect(el.shadowRoot!.querySelector('[part~="error"] button')!.textContent).to.equal("Again!");
  });

  it("lays itself out right to left for an RTL locale the page did not mark, and back", async () => {
    const api = new FakeApi();
    const el = await fixture<TestLoader>(html`<gk-test-loader locale="ar" .client=${api.client()} resource="health"></gk-test-loader>`);
    expect(el.getAttribute("dir")).to.equal("rtl");
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="body"]')!).direction).to.equal("rtl");
    el.locale = "en";
    await el.updateComplete;
    expect(el.hasAttribute("dir")).to.equal(false);
  });
});
