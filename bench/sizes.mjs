// What a page downloads for a package entry: bundled with its dependencies by esbuild
// (minified, ESM, browser), then gzipped. Code the entry only loads on demand (dynamic
// import(), such as the SDK's realtime client) lands in separate chunks, reported apart.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const KB = 1024;

/**
 * Size budgets in KB of min+gzip, enforced by `pnpm test` (packages/widgets: scripts/size.mjs;
 * the SDK's test/bundle.test.ts checks the SDK's) and printed by `pnpm bench`. `eager` is what a
 * page downloads before the widget first shows data (entry plus statically imported chunks);
 * `lazy` what it loads on demand for realtime (the connection code and partysocket, on the first
 * subscribe); `later` any other code it loads on demand once it shows data, or only when a view
 * needs it (an invite's join form, the board's people/money/chat, the parking map's Leaflet;
 * 0 when absent). A budget sits
 * a little above today's size so growth is a decision; `target` is issue 8's goal, where it sets one.
 */
/**
 * What no widget may bundle: zod or @gatherkit/core's code (the widgets and the SDK use core's
 * types only), and SDK resources the widgets never call (they build a `GatherkitClient` and only the
 * resources they use; `Gatherkit` would bring them all).
 */
const WIDGETS_NEVER =
  /^(zod|core\/src\/|sdk\/src\/(client\.ts|resources\/(auth|organization|secret-keys|publishable-keys|participant-tokens)\.ts))/;

/** KB of min+gzip one language's table of one widget (or of the base's sentences) may weigh. */
export const LOCALE_CHUNK = 1.5;

// h-i18n (measured, min+gzip, against main before it): the mechanism +0.69–0.81 KB in every
// widget entry (locale resolution, the `Strings` controller, the base's English table and the
// loaders of the other languages' chunks, `dir` for right-to-left locales). A widget's own English
// table as an object, with its loaders: ticket checkout +0.91 KB in all, connection check +0.86,
// inbox +0.91, agenda +0.99, rsvp +1.18; the plan widgets (a shared plan table plus each one's own)
// +1.25 (vote) to +1.72 KB (proposals, board); every widget together +3.65 KB. Parking map and
// slot picker +0.73–0.78 (the mechanism only). Later: the join form's table +0.21 KB, the board's
// side panels' tables +0.62 KB, the propose form's +0.17 KB. The other languages are "locale" chunks, each within
// LOCALE_CHUNK, fetched only by a page in that language.
// h-widgets (measured, min+gzip, against main before it): every widget +0.20–0.23 KB for the `color-scheme` knob (colour tokens as light-dark(), `color-scheme` on :host), the :host rules that stop a host page's inherited font/text/colour, and the widgets' own rem (a registered custom property); <gk-plan-proposals> and the board +0.25 KB more for
// proposal images; <gk-parking-map> +1.57 and <gk-slot-picker> +1.40 KB for their English tables
// (own, shared places, payment step) and their loaders (the other languages are locale chunks);
// <gk-ticket-checkout> +0.38 KB for the payment step's table; every widget together +2.0 KB.
export const SIZE_BUDGETS = [
  // 6.2 KB since gk.places; the lead reconciles what each domain added at merge (see the SDK's
  // test/bundle.test.ts for the measured total): gk.webhookEndpoints and the lazy constructEvent
  // (+191 B; on demand 4.6 KB since the verifier is a chunk of its own, +0.73 KB, loaded only by a
  // server that calls it), gk.clients (+307 B), gk.notifications (+241 B), gk.events.guests (+290 B),
  // h-tickets +225 B (ticketing resources, waiting list); gk.uploads and gk.auth.sso (h-integrations: eager +~0.19 KB measured, 7.3 → 7.5; later +0.49 KB: the
  // PUT-with-progress code is its own chunk, loaded only when a file is sent).
  {
    name: "SDK  @gatherkit/sdk (everything)",
    entry: "packages/sdk/src/index.ts",
    // Measured additions from 8020 B: h-tdash +40 B (leaveWaitlist, discountCodes.update/del, paginated
    // list), h-guests +50 B (gk.events.guests.import/export), h-dash +32 B (places.occupancy, plans.activity),
    // h-calendars +90 B (gk.clients.events.import, gk.clients.feeds), h-notify +45 B (notification(id),
    // suppressions, reviews.deleteReply), h-cal2 +18 B (gk.clients.events.importPreview; 8297 → 8315 B), h-live +13 B (gk.organization.overview; 8328 B),
    // h-evedit +11 B (gk.events.quotas.update/del; 8328 → 8339 B).
    // h-dashplans +28 B (gk.plans.expenses.update, gk.plans.messages.hide/unhide; 8339 → 8367 B), h-rsvp2 +16 B
    // (gk.events.guests.rotateLink): 8.15 → 8.19 KB.
    eager: 8.19,
    lazy: 3.8,
    later: 1.3,
    target: { total: 12 },
  },
  {
    name: "widget base  @gatherkit/widgets/base",
    entry: "packages/widgets/src/base/index.ts",
    // h-img: +0.2 KB (lazyImage/imageSrcset: srcset of an upload's copies; 14.1 → 14.3 KB measured).
    eager: 14.3,
    lazy: 0,
    target: { eager: 10 },
  },
  // Issue 8's second pass (bench/README.md): 22.4 → 21.5 KB up front; later = the invite's join form,
  // fetched only with an `invite` and no `token`. The floor is 11.6 KB (Lit with repeat/live and the
  // SDK parts a plan widget calls), so the 12 KB target is out of reach without removing behaviour.
  { name: "<gk-vote>", entry: "packages/widgets/src/vote/index.ts", eager: 23.0, lazy: 3.8, later: 1.9, target: { eager: 12, lazy: 4 } },
  // 29.2 → 24.8 KB up front: the header and <gk-plan-proposals> first; later = the people, money
  // and chat panels (4.5 KB, once the plan is ready), the propose form (1.5 KB) and the join form.
  {
    name: "<gk-plan-board> with its children",
    entry: "packages/widgets/src/plan-board/index.ts",
    // h-img: +0.2 KB (proposal images with srcset, base/image.ts; 26.9 → 27.08 KB measured);
    // h-dashplans: +26 B (the SDK's plans resource, see <gk-plan-proposals>).
    eager: 27.2,
    lazy: 3.8,
    later: 7.9,
    target: { eager: 22 },
  },
  { name: "<gk-plan>", entry: "packages/widgets/src/plan/index.ts", eager: 20.5, lazy: 3.8, later: 1.9 },
  // h-img: +0.2 KB (srcset of uploaded images, base/image.ts; 25.8 → 26.0 KB measured).
  // h-dashplans (min+gzip, measured against main): the SDK's plans resource grew (expenses.update, messages.hide/unhide)
  // +23–30 B on every plan widget; <gk-plan-chat> +68 B (also dropping hidden messages, `hiddenAt`); the bundle +76 B.
  { name: "<gk-plan-proposals>", entry: "packages/widgets/src/plan-proposals/index.ts", eager: 26.0, lazy: 3.8, later: 2.8 },
  { name: "<gk-plan-people>", entry: "packages/widgets/src/plan-people/index.ts", eager: 23.0, lazy: 3.8, later: 1.3 },
  // plan-money and inbox: +0.05 KB for the base keeping a focus request until its element renders (measured +a few bytes over 22.5 / 17.9).
  { name: "<gk-plan-money>", entry: "packages/widgets/src/plan-money/index.ts", eager: 22.55, lazy: 3.8, later: 1.3 },
  { name: "<gk-plan-chat>", entry: "packages/widgets/src/plan-chat/index.ts", eager: 23.9, lazy: 3.8, later: 1.3 },
  { name: "<gk-connection-check>", entry: "packages/widgets/src/connection-check/index.ts", eager: 13.9, lazy: 0 },
  // 16.7 KB measured when it was added (the base and the SDK's inbox calls; realtime on demand).
  { name: "<gk-inbox>", entry: "packages/widgets/src/inbox/index.ts", eager: 17.95, lazy: 3.8 },
  // On demand: realtime (3.7 KB) and the map, Leaflet 1.9 with its wrapper (42.0 KB), loaded after the first render.
  // 19.7 → 21.7 KB (h-places): filters (+0.86 KB), the online payment step shared with the slot picker
  // (+0.6 KB) and "Photos and reviews" (+0.5 KB).
  // h-pay: Stripe's Payment Element step (internal/payments/stripe-pay.ts, shared by the ticket checkout and the places
  // widgets) +1.3 KB up front measured; later = @stripe/stripe-js (pure loader) and its mount code, 2.2 KB, loaded only
  // when a buyer reaches a Stripe payment (Stripe.js itself then comes from Stripe, not from this bundle).
  // With h-i18n's language mechanism merged too (+0.7–0.9 KB each): parking map 23.8, slot picker 21.3, ticket checkout 22.1 KB measured.
  // h-img: +0.2 KB (place photos with srcset, base/image.ts; 25.4 → 25.60 KB measured).
  { name: "<gk-parking-map>", entry: "packages/widgets/src/parking-map/index.ts", eager: 25.7, lazy: 3.86, later: 44.4 },
  // 18.5 → 19.2 KB (h-places): the week grid (+27 B) and the online payment step (+0.6 KB).
  // h-pay: +0.03 KB (the payment step tells the Payment Element from embedded Checkout by `mode`): 22.7 → 22.8.
  { name: "<gk-slot-picker>", entry: "packages/widgets/src/slot-picker/index.ts", eager: 22.8, lazy: 3.86, later: 2.3 },
  // 19.2 KB measured when it was added (between <gk-plan> and <gk-vote>).
  // h-rsvp2's SDK method (events resource) +16 B put it over by rounding: 23.5.
  // h-pay (measured against main before it): up front 22.7 → 23.4 KB for the organizer's Stripe Checkout modes
  // (embedded Checkout's step controller, the way back from Checkout's own page, two sentences); later 2.2 → 2.6 KB
  // (Stripe.js's loader is its own chunk shared by the Payment Element's and embedded Checkout's, 0.2 KB).
  { name: "<gk-ticket-checkout>", entry: "packages/widgets/src/ticket-checkout/index.ts", eager: 23.5, lazy: 3.86, later: 2.7 },
  // Measured when they were added (the guests branch); they share internal/guests and the SDK's events resource.
  // h-guests2: "Remind me on this device" is a chunk of its own (later, 1.8 KB measured with the SDK's guest-push
  // entry); up front 18.7 → 19.2 KB measured: +0.42 KB min of rsvp.ts (the import() and the child's
  // tag), the rest esbuild's cost of splitting the shared code (lit, the base) out for that chunk.
  // h-widgets: +0.2 KB on every widget (color-scheme, :host isolation).
  // h-rsvp2: later 1.9 → 2.2 KB measured (budget 2.25) (the push chunk becomes a toggle: "Stop reminders on this
  // device" in five languages and GuestPush.unsubscribe); up front unchanged (19.5 KB with `token="gst_…"`).
  { name: "<gk-rsvp>", entry: "packages/widgets/src/rsvp/index.ts", eager: 19.5, lazy: 3.8, later: 2.25 },
  // h-rsvp3: up front 18,020 → 18,049 B measured (+29 B: `token="gst_…"` as in <gk-rsvp>), budget 17.6 → 17.65 KB.
  { name: "<gk-agenda>", entry: "packages/widgets/src/agenda/index.ts", eager: 17.65, lazy: 3.8 },
  // 36.2 KB since <gk-parking-map> and <gk-slot-picker> (+5.9 KB), 41.0 KB with <gk-ticket-checkout> (+4.8 KB); on demand the parking map's Leaflet too; 41.4 KB once both branches were merged (the shared base grew by their common pieces).
  // 41.0 → 43.8 KB with the places widgets' grid, filters, payment step, photos and reviews (h-places).
  // 52.9 KB measured after this session's merges: i18n (+3.65 KB) and the SDK resources the widgets
  // share growing with the domains' new methods (about +0.2 KB); h-pay +1.3 KB up front, +2.2 KB later
  // (Stripe's Payment Element step, see <gk-parking-map>): 54.5 KB measured with both merged.
  // h-pay: up front 56.6 → 57.5 KB, later 49.0 → 49.4 KB (the ticket checkout's Stripe Checkout modes, see above).
  // h-img: +0.2 KB (base/image.ts: srcset of uploaded images); h-dashplans +76 B (see the plan widgets above);
  // h-rsvp2: <gk-rsvp>'s `token` alias and its push toggle (above); later +0.3 KB (the push chunk's "Stop").
  // All four merged: 57.9 KB up front, 49.8 KB later measured.
  // rooms (issue 8, presence deltas): on demand 3834 → 3900 B measured (+66 B: the `presence_delta` message,
  // `?presence=delta`), 3.8 → 3.86 KB — here and for <gk-parking-map>, <gk-slot-picker>, <gk-ticket-checkout>
  // (the same 3834 → 3900 B); the other widgets stay within 3.8 KB (3822 → 3888 B).
  { name: "every widget  @gatherkit/widgets", entry: "packages/widgets/src/index.ts", eager: 58.0, lazy: 3.86, later: 49.9 },
  // h-guests2: later +1.9 KB (<gk-rsvp>'s push chunk; 49.0 measured).
  // 49.1 KB measured once <gk-inbox>, <gk-rsvp>, <gk-agenda> and the SDK's ticketing, uploads and SSO methods were all merged
  // (ticket checkout, rsvp and agenda +0.1–0.2 KB each from the SDK resources they share).
];

/**
 * Measures each budgeted entry (all, or those whose entry path starts with `prefix`) and says
 * which are over: `[{ ...budget, size, over: ["eager 23.1 KB > 22.9 KB", …] }]`.
 */
export async function checkSizes(prefix = "") {
  const results = [];
  for (const b of SIZE_BUDGETS.filter((b) => b.entry.startsWith(prefix))) {
    const size = await bundleSize(join(ROOT, b.entry));
    const sum = (kind) => size.lazy.filter((c) => c.kind === kind).reduce((n, c) => n + c.gzip, 0);
    const lazy = sum("realtime");
    const later = sum("later");
    const over = [];
    if (size.gzip > b.eager * KB) over.push(`up front ${kb(size.gzip)} > ${b.eager} KB`);
    if (lazy > b.lazy * KB) over.push(`on demand (realtime) ${kb(lazy)} > ${b.lazy} KB`);
    if (later > (b.later ?? 0) * KB) over.push(`on demand after the first data ${kb(later)} > ${b.later ?? 0} KB`);
    for (const c of size.lazy) {
      if (c.kind === "locale" && c.gzip > LOCALE_CHUNK * KB) over.push(`locale table ${c.name} ${kb(c.gzip)} > ${LOCALE_CHUNK} KB`);
    }
    if (b.entry.startsWith("packages/widgets/")) {
      const never = size.inputs.filter((i) => WIDGETS_NEVER.test(i.name)).map((i) => i.name);
      if (never.length) over.push(`bundles what widgets never need: ${never.join(", ")}`);
    }
    results.push({ ...b, size, lazyGzip: lazy, laterGzip: later, over });
  }
  return results;
}

export const kb = (n) => `${(n / KB).toFixed(1)} KB`;

/** The package a bundled file comes from: `partysocket`, `@gatherkit/core`. */
function packageOf(file) {
  const npm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (npm) return npm[1];
  const workspace = /packages\/([^/]+)\//.exec(file);
  return workspace ? `@gatherkit/${workspace[1]}` : file;
}

/** A bundled file as a short name: `lit-html`, `sdk/src/core.ts`, `widgets/src/vote/vote.ts`. */
function fileOf(file) {
  const workspace = /packages\/([^/]+\/src\/.*)$/.exec(file);
  return workspace ? workspace[1] : packageOf(file);
}

/**
 * `{ min, gzip, lazy: [{ name, min, gzip }], inputs: [{ name, bytes, lazy }] }` in bytes for
 * `entry` (an absolute path). `inputs` is esbuild's metafile: the minified bytes each package
 * (or workspace source file) puts into the output, biggest first — what a widget really pulls in.
 */
export async function bundleSize(entry) {
  const outdir = mkdtempSync(join(tmpdir(), "gk-bench-size-"));
  try {
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      minify: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outdir,
      metafile: true,
      logLevel: "error",
    });
    const outputs = metafile.outputs;
    // The entry's own output (chunks behind an import() are entry points of esbuild's too).
    const main = Object.keys(outputs).find((k) => outputs[k].entryPoint && join(ROOT, outputs[k].entryPoint) === entry);
    // Eager: the entry and every chunk it imports statically.
    const eager = new Set();
    const visit = (k) => {
      if (eager.has(k)) return;
      eager.add(k);
      for (const i of outputs[k].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(main);
    const read = (keys) => Buffer.concat(keys.map((k) => readFileSync(join(ROOT, k))));
    const eagerCode = read([...eager]);
    // On demand: the chunks the code can load later (dynamic import()s that survived tree shaking,
    // and what those import). A chunk no surviving code imports is never downloaded: esbuild still
    // emits one for every import() in the module graph, even inside code it dropped (the SDK's
    // `gk.webhooks.constructEvent`, in a `Gatherkit` class no widget builds).
    const reachable = new Set(eager);
    const walk = (k) => {
      for (const i of outputs[k].imports) {
        if ((i.kind === "import-statement" || i.kind === "dynamic-import") && !reachable.has(i.path) && outputs[i.path]) {
          reachable.add(i.path);
          walk(i.path);
        }
      }
    };
    for (const k of eager) walk(k);
    const lazy = Object.keys(outputs)
      .filter((k) => reachable.has(k) && !eager.has(k) && k.endsWith(".js"))
      .map((k) => {
        const code = readFileSync(join(ROOT, k));
        const packages = [...new Set(Object.keys(outputs[k].inputs).map(fileOf))];
        const files = Object.keys(outputs[k].inputs);
        // Realtime: the connection code and partysocket, loaded on the first subscribe. Anything
        // else on demand is code fetched after the first data (a join form, a board's side panels, a map).
        // Locale: one language's sentences (a `locales/<lang>.ts` table), fetched only by a page in
        // that language, so never counted with the rest: each must stay within LOCALE_CHUNK.
        const kind = files.some((f) => /partysocket|sdk\/src\/realtime/.test(f))
          ? "realtime"
          : files.every((f) => /\/locales\/[^/]+\.ts$/.test(f))
            ? "locale"
            : "later";
        return { name: packages.join(" + "), kind, min: code.length, gzip: gzip(code) };
      })
      .filter((c) => c.min > 200); // tiny shared runtime chunks
    const bytes = new Map();
    for (const [k, out] of Object.entries(outputs)) {
      if (!k.endsWith(".js") || !reachable.has(k)) continue;
      for (const [file, input] of Object.entries(out.inputs)) {
        const key = `${eager.has(k) ? "" : "lazy "}${fileOf(file)}`;
        bytes.set(key, (bytes.get(key) ?? 0) + input.bytesInOutput);
      }
    }
    const inputs = [...bytes]
      .filter(([, n]) => n > 0)
      .map(([key, n]) => ({ name: key.replace(/^lazy /, ""), bytes: n, lazy: key.startsWith("lazy ") }))
      .sort((a, b) => a.lazy - b.lazy || b.bytes - a.bytes);
    return { min: eagerCode.length, gzip: gzip(eagerCode), lazy, inputs };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

// `node bench/sizes.mjs <entry>…`: each entry's size and what it is made of (minified bytes per
// package or source file, from esbuild's metafile).
if (import.meta.main) {
  for (const entry of process.argv.slice(2)) {
    const size = await bundleSize(resolve(entry));
    console.log(`${entry}: ${kb(size.min)} min, ${kb(size.gzip)} min+gzip up front`);
    for (const c of size.lazy) console.log(`  + on demand (${c.kind}) ${c.name}: ${kb(c.min)} min, ${kb(c.gzip)} min+gzip`);
    for (const i of size.inputs) console.log(`  ${String(i.bytes).padStart(7)}  ${i.lazy ? "(on demand) " : ""}${i.name}`);
  }
}
