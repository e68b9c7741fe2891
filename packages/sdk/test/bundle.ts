import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export interface Chunk {
  code: string;
  /** Source files in the chunk, relative to packages/sdk (`src/core.ts`, `../../node_modules/…`). */
  inputs: string[];
  /** min+gzip bytes. */
  gzip: number;
}

/**
 * What a user's bundler ships for `entry` (a file, or `{ contents }` of an entry module in
 * `test/`): minified ESM with code splitting, as a browser page gets it. `eager` is the entry
 * and every chunk it imports statically; `lazy` the chunks behind a dynamic `import()`.
 */
export async function bundle(entry: string | { contents: string }, external: string[] = []): Promise<{ eager: Chunk; lazy: Chunk[] }> {
  const dir = fileURLToPath(new URL("..", import.meta.url));
  const result = await build({
    absWorkingDir: dir,
    ...(typeof entry === "string"
      ? { entryPoints: [fileURLToPath(new URL(entry, import.meta.url))] }
      : { stdin: { contents: entry.contents, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "ts" } }),
    bundle: true,
    minify: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    outdir: "out",
    write: false,
    metafile: true,
    external,
    logLevel: "silent",
  });
  const outputs = result.metafile.outputs;
  const text = new Map(result.outputFiles.map((f) => [f.path.slice(dir.length).replace(/^\//, ""), f.text]));
  const chunk = (keys: string[]): Chunk => {
    const code = keys.map((k) => text.get(k) ?? "").join("");
    return { code, inputs: keys.flatMap((k) => Object.keys(outputs[k]!.inputs)), gzip: gzipSync(code).length };
  };
  const main = Object.keys(outputs).find((k) => outputs[k]!.entryPoint)!;
  const eager = new Set<string>();
  const visit = (k: string) => {
    if (eager.has(k)) return;
    eager.add(k);
    for (const i of outputs[k]!.imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(main);
  const lazy = Object.keys(outputs).filter((k) => !eager.has(k) && k.endsWith(".js"));
  return { eager: chunk([...eager]), lazy: lazy.map((k) => chunk([k])) };
}
