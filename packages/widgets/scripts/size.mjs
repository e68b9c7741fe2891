// Prints what a page downloads for each entry with lit and the SDK bundled in, minified:
// the eager part (entry + statically imported chunks) and the chunks loaded lazily
// (e.g. the SDK's realtime code). Usage: node scripts/size.mjs [entry.ts …]
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const entries = process.argv.slice(2).length ? process.argv.slice(2) : ["src/index.ts"];
const outdir = join(tmpdir(), `gk-widgets-size-${process.pid}`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

try {
  for (const entry of entries) {
    rmSync(outdir, { recursive: true, force: true });
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
      logLevel: "warning",
    });
    const outputs = metafile.outputs;
    const main = Object.keys(outputs).find((k) => outputs[k].entryPoint);
    const eager = new Set();
    const visit = (k) => {
      if (eager.has(k)) return;
      eager.add(k);
      for (const i of outputs[k].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(main);
    const eagerCode = Buffer.concat([...eager].map((k) => readFileSync(k)));
    console.log(`${entry}: ${kb(eagerCode.length)} min, ${kb(gz(eagerCode))} min+gzip (eager)`);
    for (const k of Object.keys(outputs).filter((k) => !eager.has(k) && k.endsWith(".js"))) {
      const code = readFileSync(k);
      const from = Object.keys(outputs[k].inputs)
        .map((f) => f.replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+).*$/, "$1"))
        .filter((v, i, a) => a.indexOf(v) === i && !v.startsWith("."))
        .slice(0, 4);
      console.log(`  lazy ${relative(outdir, k)}: ${kb(code.length)} min, ${kb(gz(code))} min+gzip (${from.join(", ")}…)`);
    }
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
