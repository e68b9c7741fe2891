import { defineConfig } from "tsup";

/** Every element, by its tag name and folder. */
const ELEMENTS = {
  "gk-connection-check": "connection-check",
  "gk-inbox": "inbox",
  "gk-vote": "vote",
  "gk-plan": "plan",
  "gk-plan-board": "plan-board",
  "gk-plan-proposals": "plan-proposals",
  "gk-plan-people": "plan-people",
  "gk-plan-money": "plan-money",
  "gk-plan-chat": "plan-chat",
  "gk-parking-map": "parking-map",
  "gk-slot-picker": "slot-picker",
  "gk-ticket-checkout": "ticket-checkout",
  "gk-rsvp": "rsvp",
  "gk-agenda": "agenda",
};

// Both builds write into dist/, which the build script empties first (parallel cleans would race).
export default defineConfig([
  // For bundlers: one module per entry, dependencies left as imports.
  {
    entry: ["src/index.ts", "src/base/index.ts", ...Object.values(ELEMENTS).map((dir) => `src/${dir}/index.ts`)],
    format: ["esm"],
    dts: true,
    clean: false,
    sourcemap: true,
  },
  // For a <script type="module"> tag from a CDN: one file per widget with lit and the SDK inside
  // (code the SDK loads lazily, such as realtime, stays in lazily loaded chunks).
  {
    entry: Object.fromEntries(Object.entries(ELEMENTS).map(([tag, dir]) => [tag, `src/${dir}/index.ts`])),
    outDir: "dist/cdn",
    format: ["esm"],
    platform: "browser",
    noExternal: [/.*/],
    splitting: true,
    minify: true,
    clean: false,
  },
]);
