// Prints what a page downloads for each entry with lit and the SDK bundled in, minified:
// the eager part (entry + statically imported chunks) and the chunks loaded lazily
// (e.g. the SDK's realtime code). Usage: node scripts/size.mjs [entry.ts …]
// The measuring is bench/sizes.mjs's, so `pnpm bench` and this script report the same numbers.
import { resolve } from "node:path";
import { bundleSize } from "../../../bench/sizes.mjs";

const entries = process.argv.slice(2).length ? process.argv.slice(2) : ["src/index.ts"];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

for (const entry of entries) {
  const size = await bundleSize(resolve(entry));
  console.log(`${entry}: ${kb(size.min)} min, ${kb(size.gzip)} min+gzip (eager)`);
  for (const lazy of size.lazy) console.log(`  lazy ${lazy.name}: ${kb(lazy.min)} min, ${kb(lazy.gzip)} min+gzip`);
}
