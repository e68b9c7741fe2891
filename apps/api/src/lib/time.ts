import type { Deps } from "./types.js";

/**
 * Time in the API: epoch milliseconds (UTC) in storage and in code, ISO 8601 UTC strings on the
 * wire. The clock is `deps.now()` — node.ts and worker.ts give the real one, tests their own —
 * and nothing else reads the time, so a test that moves its clock moves every rule with it.
 */

/** An epoch-ms time as ISO 8601 (`2030-07-01T10:00:00.000Z`); null stays null. */
export function toIso(ms: number): string;
export function toIso(ms: number | null): string | null;
export function toIso(ms: number | null): string | null {
  if (ms === null) return null;
  // The last one formatted is kept: a request formats the same instant again and again (the
  // clock's now, a row's created and updated times), and formatting costs ~0.5 µs each.
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
let lastMs = Number.NaN;
let lastIso = "";

/** An ISO 8601 time as epoch ms; a missing one (null or undefined) is null. */
export function fromIso(iso: string): number;
export function fromIso(iso: string | null | undefined): number | null;
export function fromIso(iso: string | null | undefined): number | null {
  return iso == null ? null : Date.parse(iso);
}

/** The app clock's time as ISO 8601. */
export const nowIso = (deps: Pick<Deps, "now">): string => toIso(deps.now());
