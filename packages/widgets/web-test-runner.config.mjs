import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { chromeLauncher } from "@web/test-runner-chrome";
import { realApi } from "./test/real-api.mjs";
import { realApiEvents } from "./test/real-api-events.mjs";
import { realApiInbox } from "./test/real-api-inbox.mjs";
import { realApiPlaces } from "./test/real-api-places.mjs";
import { realApiPlans } from "./test/real-api-plans.mjs";
import { realApiStripe } from "./test/real-api-stripe.mjs";

const CANDIDATES = [
  process.env.CHROME_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

const executablePath = CANDIDATES.find((p) => p && existsSync(p));
if (!executablePath) {
  throw new Error(
    [
      "The widget tests run in a real Chromium, and none was found. Looked at:",
      ...CANDIDATES.filter(Boolean).map((p) => `  ${p}`),
      "Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: install Google Chrome)",
      "or point CHROME_PATH at a Chrome or Chromium executable.",
    ].join("\n"),
  );
}

/**
 * Widget tests in real Chromium. Workspace packages export their TypeScript sources
 * (`./src/*.ts`), so files are served from the workspace root, resolved like a browser bundler
 * would, and compiled by esbuild (which also maps `import "./x.js"` to `x.ts`). The target is
 * pinned: with "auto" a current Chromium gets esnext, which leaves decorators untransformed.
 *
 * `/fake-api/v1/health` answers like the API, so one test can use the real global `fetch`;
 * `/__gatherkit-api.json` starts the real API on first use (test/real-api.mjs), and
 * `/__gatherkit-api/plan.json` makes a fresh plan in it (test/real-api-plans.mjs), `/__gatherkit-api/places.json`
 * fresh places (test/real-api-places.mjs), and `/__gatherkit-api/event.json` a fresh event with
 * ticket types (test/real-api-events.mjs), and `/__gatherkit-api/inbox.json` a person with a notification in
 * their inbox (test/real-api-inbox.mjs).
 */
const api = realApi();
export default {
  rootDir: fileURLToPath(new URL("../..", import.meta.url)),
  files: ["src/**/*.test.ts"],
  nodeResolve: { exportConditions: ["browser", "development"] },
  plugins: [
    api,
    realApiPlans(api),
    realApiPlaces(api),
    realApiEvents(api),
    realApiInbox(api),
    // A second API with the Stripe provider (against the Stripe stand-in), started only by the tests that ask.
    ...realApiStripe(),
    esbuildPlugin({ ts: true, target: "es2022", tsconfig: fileURLToPath(new URL("./tsconfig.json", import.meta.url)) }),
  ],
  middleware: [
    (ctx, next) => {
      if (ctx.path !== "/fake-api/v1/health") return next();
      ctx.set("content-type", "application/json");
      ctx.set("x-request-id", "req_fake");
      ctx.body = JSON.stringify({ status: "ok", version: "fake", runtime: "node", time: new Date().toISOString() });
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--headless=new",
        ],
      },
    }),
  ],
  testFramework: { config: { timeout: 5000 } },
  // One file starts the real API (tsx compiles it first) on a machine that may be busy.
  testsFinishTimeout: 180_000,
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith("Lit is in dev mode"),
};
