// What a benchmark's processes cost, from Linux's /proc (undefined or empty elsewhere).
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time (ms, user + system) a process has used so far, from Linux's /proc (clock ticks of
 * 10 ms); undefined elsewhere. Summed per target over its messages, it says what each part of a
 * stack costs per fanned-out message, which a shared, busy machine blurs far less than latency.
 */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Pids whose command line contains `needle` (Linux /proc), e.g. the workerd serving a port. */
export function pidsWith(needle) {
  const pids = [];
  try {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (readFileSync(`/proc/${d}/cmdline`, "utf8").replaceAll("\0", " ").includes(needle)) pids.push(Number(d));
      } catch {}
    }
  } catch {}
  return pids;
}

/** The processes `partykit dev` on `port` runs a room in: its workerd and its own Node process. */
export function partykitProcesses(port) {
  return {
    "rooms (workerd)": pidsWith(`--socket-addr=entry=0.0.0.0:${port} `),
    "partykit dev (Node)": pidsWith(`dev --port ${port} `),
  };
}
