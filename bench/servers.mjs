// One benchmark target per process, started by run.mjs: `node bench/servers.mjs bare|api`.
// Tells the parent (over IPC) the port it listens on and, for the API, the demo secret key.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const kind = process.argv[2];

if (kind === "bare") {
  // The baseline: Hono on @hono/node-server with one JSON route and nothing else.
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const app = new Hono();
  app.get("/", (c) => c.json({ status: "ok" }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  process.send({ port: server.address().port });
  process.on("disconnect", () => server.close(() => process.exit(0)));
} else if (kind === "api") {
  // The real API as built (apps/api/dist/node.js), embedded default: libSQL file in a temp DATA_DIR.
  const { startNodeServer } = await import(new URL("../apps/api/dist/node.js", import.meta.url).href);
  const dataDir = mkdtempSync(join(tmpdir(), "gk-bench-"));
  const started = await startNodeServer({ ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" });
  if (!started.demo) throw new Error("the API did not seed its demo organization");
  process.send({ port: started.port, secretKey: started.demo.secretKey });
  process.on("disconnect", async () => {
    await started.close();
    started.handle.client.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  console.error("usage: node bench/servers.mjs bare|api");
  process.exit(2);
}
