// Starts one benchmark target, `node bench/servers.mjs <kind>`, in its own process.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Starts `node bench/servers.mjs <kind>` (with `env` added to this process's environment) and
 * resolves with what it reports over IPC (its port, …), its `pid` and `stop()`.
 */
export function startServer(kind, env = {}) {
  const child = fork(fileURLToPath(new URL("./servers.mjs", import.meta.url)), [kind], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    const stop = () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once("exit", r);
        child.disconnect();
      });
    child.once("message", (info) => resolve({ ...info, pid: child.pid, stop }));
    child.once("exit", (code) => reject(new Error(`the ${kind} server exited with code ${code} before listening`)));
  });
}
