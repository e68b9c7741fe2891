import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

/** What a user's bundler ships for `import { Gatherkit } from "@gatherkit/sdk"`. */
async function bundle(entry: string) {
  const result = await build({
    absWorkingDir: fileURLToPath(new URL("..", import.meta.url)),
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    metafile: true,
    // Loaded on a realtime subscribe only, through dynamic import().
    external: ["partysocket", "@gatherkit/core"],
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
  // Budget for what loads up front, minified and gzipped; partysocket and zod come on a subscribe.
  expect(gzipSync(code).length).toBeLessThan(6 * 1024);
});
