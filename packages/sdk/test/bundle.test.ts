import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

/** What a user's bundler ships for `import { Gatherkit } from "@gatherkit/sdk"`. */
async function bundle(entry: string, external = ["partysocket"]) {
  const result = await build({
    absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    metafile: true,
    // partysocket is loaded on a realtime subscribe only, through dynamic import().
    external,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]!.contents, inputs: Object.keys(result.metafile.inputs) };
}

it("ships only the SDK's own code up front: types from @gatherkit/core, no zod, no Node built-ins", async () => {
  const { code, inputs } = await bundle("../src/index.ts");
  expect(inputs.length).toBeGreaterThan(5);
  for (const input of inputs) expect(input).toMatch(/^src\//);
  const text = new TextDecoder().decode(code);
  expect(text).not.toMatch(/(from|import)\s*"(node:|zod|partysocket|@gatherkit\/core)/);
  expect(text).toContain('import("partysocket")');
  // Budget for what loads up front, minified and gzipped; partysocket comes on a subscribe.
  expect(gzipSync(code).length).toBeLessThan(6 * 1024);
});

it("stays small with realtime included: no zod or core at run time, even lazily", async () => {
  const { code, inputs } = await bundle("../src/index.ts", []);
  expect(inputs.some((i) => i.includes("partysocket"))).toBe(true);
  expect(inputs.some((i) => /[/\\](zod|@gatherkit[/\\]core|core[/\\]src)[/\\]/.test(i))).toBe(false);
  expect(gzipSync(code).length).toBeLessThan(12 * 1024);
});
