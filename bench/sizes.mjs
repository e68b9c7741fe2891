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

/** `{ min, gzip, lazy: [{ name, min, gzip }] }` in bytes for `entry` (an absolute path). */
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
    return { min: eagerCode.length, gzip: gzip(eagerCode), lazy };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
