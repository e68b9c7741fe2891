// What a page downloads for a package entry: bundled with its dependencies by esbuild
// (minified, ESM, browser), then gzipped. Code the entry only loads on demand (dynamic
// import(), such as the SDK's realtime client) lands in separate chunks, reported apart.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const gzip = (buf) => gzipSync(buf, { level: 9 }).length;

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
    const main = Object.keys(outputs).find((k) => outputs[k].entryPoint);
    // Eager: the entry and every chunk it imports statically.
    const eager = new Set();
    const visit = (k) => {
      if (eager.has(k)) return;
      eager.add(k);
      for (const i of outputs[k].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(main);
    const read = (keys) => Buffer.concat(keys.map((k) => readFileSync(k)));
    const eagerCode = read([...eager]);
    const lazy = Object.keys(outputs)
      .filter((k) => !eager.has(k) && k.endsWith(".js"))
      .map((k) => {
        const code = readFileSync(k);
        return { name: packageOf(outputs[k].entryPoint ?? Object.keys(outputs[k].inputs)[0] ?? k), min: code.length, gzip: gzip(code) };
      })
      .filter((c) => c.min > 200); // tiny shared runtime chunks
    const bytes = new Map();
    for (const [k, out] of Object.entries(outputs)) {
      if (!k.endsWith(".js")) continue;
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
  const { resolve } = await import("node:path");
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const entry of process.argv.slice(2)) {
    const size = await bundleSize(resolve(entry));
    console.log(`${entry}: ${kb(size.min)} min, ${kb(size.gzip)} min+gzip up front`);
    for (const c of size.lazy) console.log(`  + on demand ${c.name}: ${kb(c.min)} min, ${kb(c.gzip)} min+gzip`);
    for (const i of size.inputs) console.log(`  ${String(i.bytes).padStart(7)}  ${i.lazy ? "(on demand) " : ""}${i.name}`);
  }
}
