// Prints what a page downloads for each entry with lit and the SDK bundled in, minified:
// the eager part (entry + statically imported chunks) and the chunks loaded lazily
// (e.g. the SDK's realtime code), and fails when an entry's eager min+gzip is over its budget.
// Usage: node scripts/size.mjs [entry.ts …] (default: the package and every element).
// The measuring is bench/sizes.mjs's, so `pnpm bench` and this script report the same numbers.
import { relative, resolve } from "node:path";
import { bundleSize } from "../../../bench/sizes.mjs";

/** Eager min+gzip budgets in KB: a little above today's sizes, so growth is a decision. */
const BUDGETS = {
  "src/index.ts": 36,
  "src/base/index.ts": 18.5,
  "src/connection-check/index.ts": 18,
  "src/vote/index.ts": 27,
  "src/plan/index.ts": 24.5,
  "src/plan-board/index.ts": 35,
  "src/plan-proposals/index.ts": 29.5,
  "src/plan-people/index.ts": 26.5,
  "src/plan-money/index.ts": 26,
  "src/plan-chat/index.ts": 27.5,
};

const entries = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BUDGETS);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const over = [];

for (const entry of entries) {
  const size = await bundleSize(resolve(entry));
  const budget = BUDGETS[relative(process.cwd(), resolve(entry))];
  const verdict = budget === undefined ? "" : size.gzip > budget * 1024 ? ` — OVER the ${budget} KB budget` : ` (budget ${budget} KB)`;
  if (verdict.includes("OVER")) over.push(entry);
  console.log(`${entry}: ${kb(size.min)} min, ${kb(size.gzip)} min+gzip (eager)${verdict}`);
  for (const lazy of size.lazy) console.log(`  lazy ${lazy.name}: ${kb(lazy.min)} min, ${kb(lazy.gzip)} min+gzip`);
}
if (over.length) {
  console.error(`Over budget: ${over.join(", ")}. Make it smaller, or raise its budget in scripts/size.mjs and say why.`);
  process.exitCode = 1;
}
