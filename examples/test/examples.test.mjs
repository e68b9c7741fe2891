// Each example app (React, Vue, plain HTML) built with Vite, served by its own site server
// (server.ts: the SDK with the secret key, minting a participant token for the signed-in user) and
// loaded in Chromium against the real API (apps/api/dist, the embedded default): the widgets
// render, their custom events reach the app's listeners, the language switch takes effect, and a
// checkout started in German reaches the app's `gk-checkout-started` listener. axe-clean.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { tsImport } from "tsx/esm/api";
import { buildExample, EXAMPLES } from "../build.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CHROME = [process.env.CHROME_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(
  (p) => p && existsSync(p),
);
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TIMEOUT = 30_000;

let api;
let dataDir;
let browser;
let secretKey;
let startExampleServer;

before(async () => {
  assert.ok(CHROME, "no Chrome or Chromium found: install one or set CHROME_PATH");
  assert.ok(existsSync(here("../../apps/api/dist/node.js")), "the API is not built: run `pnpm build`");
  ({ startExampleServer } = await tsImport("../server.ts", import.meta.url));
  const { startNodeServer } = await import(here("../../apps/api/dist/node.js"));
  dataDir = mkdtempSync(join(tmpdir(), "gk-examples-"));
  api = await startNodeServer({ ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error" });
  secretKey = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8")).secretKey;
  browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await api?.close();
  api?.handle.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The page's visible text, shadow roots included, for failure messages. */
const visibleText = (page) =>
  page.evaluate(() => {
    const walk = (n) => [
      ...(n.shadowRoot ? walk(n.shadowRoot) : []),
      ...[...n.childNodes].flatMap((c) => (c.nodeType === 3 ? [c.textContent.trim()] : walk(c))),
    ];
    return walk(document.body).filter(Boolean).join(" | ");
  });

/** Waits until `fn` (run in the page) is true; on a timeout, says what the page showed. */
async function until(page, what, fn, ...args) {
  try {
    await page.waitForFunction(fn, { timeout: TIMEOUT }, ...args);
  } catch (error) {
    throw new Error(`${what} never happened; the page showed: ${await visibleText(page)}\n${page.errors.join("\n")}`, { cause: error });
  }
}

const logHas = (prefix) => [...document.querySelectorAll("#log li")].some((li) => li.textContent.startsWith(prefix));
/** In the page: `checkout(selector)` finds inside the checkout's shadow root. */
const helpers = () => {
  window.checkout = (selector) => document.querySelector("gk-ticket-checkout")?.shadowRoot?.querySelector(selector);
  window.rsvp = (selector) => document.querySelector("gk-rsvp")?.shadowRoot?.querySelector(selector);
  window.agenda = (selector) => document.querySelector("gk-agenda")?.shadowRoot?.querySelectorAll(selector) ?? [];
};

async function axe(page, state) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  assert.deepEqual(violations, [], `axe on ${state}`);
}

for (const name of EXAMPLES) {
  describe(`the ${name} example`, { timeout: 120_000 }, () => {
    let site;
    before(async () => {
      await buildExample(name);
      site = await startExampleServer({ apiBase: `http://127.0.0.1:${api.port}`, secretKey, example: name });
    });
    after(() => site?.close());

    it("builds, renders the widgets against the real API, and its listeners get their typed events", async () => {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      page.errors = [];
      page.on("pageerror", (err) => page.errors.push(err.message));
      await page.evaluateOnNewDocument(helpers);
      try {
        await page.goto(site.url);
        // The connection check, with the participant token the site's server minted: its event reaches the app.
        await until(page, "gk-connected in the app's log", logHas, "gk-connected:");
        // The checkout shows the demo event's ticket types, in English first.
        await until(page, "the ticket types", () =>
          [...(document.querySelector("gk-ticket-checkout")?.shadowRoot?.querySelectorAll("h3") ?? [])].some(
            (h) => h.textContent.trim() === "General admission",
          ),
        );
        assert.equal(await page.evaluate(() => checkout('button[type="submit"]').textContent.trim()), "Check out");
        await axe(page, `${name}, English`);

        // The language switch: German sentences (loaded on demand) and euros as Germans write them.
        await page.select("select", "de");
        await until(page, "the German checkout", () => checkout('button[type="submit"]')?.textContent.trim() === "Zur Kasse");
        assert.match(await page.evaluate(() => checkout('[part~="price"]').textContent), /^25,00\s€$/);
        await axe(page, `${name}, German`);

        // A checkout: the app's gk-checkout-started listener gets the order.
        await page.evaluate(() => checkout('[part~="stepper"] button[aria-label^="Mehr"]').click());
        await page.evaluate(() => {
          for (const [id, value] of [
            ["name", "Ada Lovelace"],
            ["email", "ada@example.com"],
          ]) {
            const input = checkout(`#${id}`);
            input.value = value;
            input.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
          }
          checkout('button[type="submit"]').click();
        });
        await until(page, "gk-checkout-started in the app's log", logHas, "gk-checkout-started: ord_");
        await until(page, "the German hold", () => checkout("#held")?.textContent.trim() === "Ihre Tickets sind reserviert");
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }
    });

    if (name !== "html") return;
    it("a guest opens the invitation page from their personal link, answers yes with <gk-rsvp> and adds a session with <gk-agenda>", async () => {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      page.errors = [];
      page.on("pageerror", (err) => page.errors.push(err.message));
      await page.evaluateOnNewDocument(helpers);
      try {
        // The link the invitation email brings (the event's invitationUrl is this site's invitation.html).
        await page.goto(site.url);
        await until(page, "the invitation link", () => document.querySelector("#invitation")?.href.includes("token="));
        const link = new URL(await page.evaluate(() => document.querySelector("#invitation").href));
        assert.equal(link.origin, site.url);
        assert.equal(link.pathname, "/invitation.html");
        assert.match(link.searchParams.get("event") ?? "", /^evt_/);
        assert.match(link.searchParams.get("token") ?? "", /^gst_/);

        await page.goto(link.href);
        await until(page, "the invitation", () => rsvp('[part~="status"]')?.textContent.includes("You have not answered yet."));
        assert.match(await page.evaluate(() => rsvp('[part~="title"]').textContent), /^Garden party at the Quinta/);
        await until(page, "the agenda", () => [...agenda('[part~="session"]')].length === 2);
        assert.deepEqual(
          await page.evaluate(() => [...agenda('[part~="pick-button"]')].map((b) => b.textContent.replace(/\s+/g, " ").trim())),
          ["Add to my agenda: Toasts", "Add to my agenda: Dancing"],
        );
        await axe(page, "the invitation page, unanswered");

        // Yes, with an answer to the organizer's question.
        await page.evaluate(() => {
          [...document.querySelector("gk-rsvp").shadowRoot.querySelectorAll('input[name="answer"]')].find((r) => r.value === "yes").click();
        });
        await until(page, "the question", () => rsvp('input[name="q:dietary"]'));
        await page.evaluate(() => {
          const input = rsvp('input[name="q:dietary"]');
          input.value = "Vegetarian";
          rsvp('[part~="submit-button"]').click();
        });
        await until(page, "gk-rsvp-changed in the page's log", logHas, "gk-rsvp-changed: confirmed");
        await until(page, "the confirmation", () => rsvp('[part~="status"]')?.textContent.includes("You're going."));
        assert.equal(await page.evaluate(() => rsvp('[part~="calendar-links"]').querySelectorAll("a").length), 3);
        await axe(page, "the invitation page, answered yes");

        // The guest adds the toasts to their own agenda.
        await page.evaluate(() => agenda('[part~="pick-button"]')[0].click());
        await until(page, "the picked session", () => agenda('[part~="session-picked"]').length === 1);
        assert.equal(await page.evaluate(() => agenda('[part~="pick-button"]')[0].getAttribute("aria-pressed")), "true");
        await axe(page, "the invitation page, a session picked");

        // Without the personal link, the page says where to open it from.
        await page.goto(`${site.url}/invitation.html`);
        await until(page, "the missing-link notice", () =>
          document.querySelector("#note[role=alert]")?.textContent.includes("personal link"),
        );
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }
    });
  });
}
