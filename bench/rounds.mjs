// What every side-by-side benchmark shares: interleaved rounds of autocannon runs (the order
// reversed every other round, so neither target always runs on a warmer or cooler machine), the
// median, and the ratio of two targets per round.
import autocannon from "autocannon";

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const DURATION = Number(process.env.BENCH_DURATION ?? 3);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * One autocannon run against `target` ({ url, method?, headers?, body? }) for `duration` seconds.
 * `body` is a string, or a function making each request's body.
 */
export function cannon(target, duration, connections = CONNECTIONS) {
  const fresh = typeof target.body === "function";
  return autocannon({
    url: target.url,
    method: target.method ?? (target.body === undefined ? "GET" : "POST"),
    headers: target.headers ?? {},
    ...(fresh ? { requests: [{ setupRequest: (req) => ({ ...req, body: target.body() }) }] } : { body: target.body }),
    connections,
    duration,
  });
}

/**
 * Warms each target up for a second, then runs them in `rounds` interleaved rounds of
 * `duration` seconds. Any error, timeout or non-2xx answer stops the benchmark. Answers, per
 * target name, each round's { rps, p50, p99 }.
 */
export async function interleavedRounds(targets, { rounds = ROUNDS, duration = DURATION, connections = CONNECTIONS, onRound } = {}) {
  for (const t of targets) await cannon(t, 1, connections);
  const runs = new Map(targets.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
      const r = await cannon(t, duration, connections);
      if (r.errors || r.timeouts || r.non2xx) {
        throw new Error(
          `${t.name}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodeStats)}) in round ${round + 1}`,
        );
      }
      runs.get(t.name).push({ rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99 });
    }
    onRound?.(round);
  }
  return runs;
}

/** `a`'s rate over `b`'s, per round. */
export const roundRatios = (a, b) => a.map((r, i) => r.rps / b[i].rps);

/** "0.42× (rounds 0.40–0.45)": the median ratio and its range over rounds. */
export const ratioText = (ratios) =>
  `${median(ratios).toFixed(2)}× (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;

/**
 * The shape of the domain hot-path benchmarks: a floor (raw libSQL doing the one statement the
 * API cannot do without) and the API, side by side, and optionally `references` measured in the
 * same rounds (e.g. the least a whole hold can do by hand); prints each rate and each target's
 * ratio to the floor (and the API's to each reference), answers the API's median ratio.
 */
export async function againstFloor(label, [floor, api, ...references], note = "") {
  const targets = [floor, ...references, api];
  console.log(`\n${label}: ${ROUNDS} interleaved rounds × ${DURATION} s per target, ${CONNECTIONS} connections; warming up…`);
  const runs = await interleavedRounds(targets);
  for (const t of targets) {
    const rate = Math.round(median(runs.get(t.name).map((r) => r.rps)));
    const ratio = t === floor ? "" : `  ${ratioText(roundRatios(runs.get(t.name), runs.get(floor.name)))} the floor`;
    console.log(`  ${t.name.padEnd(46)} ${rate.toLocaleString("en").padStart(8)} /s${ratio}`);
  }
  for (const ref of references) {
    console.log(`${label}: the API ÷ ${ref.short ?? ref.name}: ${ratioText(roundRatios(runs.get(api.name), runs.get(ref.name)))}.`);
  }
  const ratios = roundRatios(runs.get(api.name), runs.get(floor.name));
  console.log(`${label} ÷ raw conditional updates: ${ratioText(ratios)}${note ? `; ${note}` : ""}.`);
  return median(ratios);
}
