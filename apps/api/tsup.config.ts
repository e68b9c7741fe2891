import { defineConfig } from "tsup";

// The embedded default as one file: the @gatherkit/* workspace packages export TypeScript
// sources, so they are bundled; real npm dependencies stay external (tsup leaves everything
// in package.json `dependencies` out of the bundle).
export default defineConfig({
  entry: { node: "src/node.ts" },
  format: ["esm"],
  platform: "node",
  target: "node22",
  noExternal: [/^@gatherkit\//],
  clean: true,
  sourcemap: true,
});
