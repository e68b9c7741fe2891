// `pnpm size`, and part of `pnpm test`: what a page downloads for each widget entry, with lit and
// the SDK bundled in, minified and gzipped — up front (before the widget first shows data) and on
// demand (realtime) — and a failure when an entry is over its budget. Budgets and the measuring
// are bench/sizes.mjs's, so `pnpm bench` prints the same numbers. Bytes, never time.
import { checkSizes, kb, LOCALE_CHUNK } from "../../../bench/sizes.mjs";

const results = await checkSizes("packages/widgets/");
for (const r of results) {
  const target = r.target?.eager ? `, issue 8 target ${r.target.eager} KB` : "";
  console.log(
    `${r.entry}: ${kb(r.size.gzip)} up front (budget ${r.eager} KB${target})${r.over.length ? ` — OVER: ${r.over.join(", ")}` : ""}`,
  );
  for (const c of r.size.lazy) {
    const budget =
      c.kind === "realtime"
        ? `${r.lazy} KB for realtime`
        : c.kind === "locale"
          ? `${LOCALE_CHUNK} KB, only for a page in that language`
          : `${r.later ?? 0} KB after the first data`;
    console.log(`  + on demand (${c.kind}) ${c.name}: ${kb(c.gzip)} (budget ${budget}, in all)`);
  }
}
const over = results.filter((r) => r.over.length);
if (over.length) {
  console.error(
    `\nOver budget: ${over.map((r) => r.entry).join(", ")}. Make it smaller, or raise its budget in bench/sizes.mjs and say why.` +
      "\nSee what it is made of: node bench/sizes.mjs <entry>",
  );
  process.exitCode = 1;
}
