import { defineConfig } from "tsup";

// Both builds write into dist/, which the build script empties first (parallel cleans would race).
export default defineConfig([
  // For bundlers: one module per entry, dependencies left as imports.
  {
    entry: ["src/index.ts", "src/base/index.ts", "src/connection-check/index.ts", "src/vote/index.ts", "src/plan-board/index.ts"],
    format: ["esm"],
    dts: true,
    clean: false,
    sourcemap: true,
  },
  // For a <script type="module"> tag from a CDN: one file per widget with lit and the SDK inside
  // (code the SDK loads lazily, such as realtime, stays in lazily loaded chunks).
  {
    entry: {
      "gk-connection-check": "src/connection-check/index.ts",
      "gk-vote": "src/vote/index.ts",
      "gk-plan-board": "src/plan-board/index.ts",
    },
    outDir: "dist/cdn",
    format: ["esm"],
    platform: "browser",
    noExternal: [/.*/],
    splitting: true,
    minify: true,
    clean: false,
  },
]);
