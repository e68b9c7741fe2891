// @ts-check
// One helper for every test that starts a server (the API, partykit, `pnpm dev`): plain
// JavaScript, so .mjs scripts and TypeScript tests (allowJs) share this copy.
import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that nobody listens on right now.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address === "string") return reject(new Error("could not get a free port"));
      server.close(() => resolvePort(address.port));
    });
  });
}
