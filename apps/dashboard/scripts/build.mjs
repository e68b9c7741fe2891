// Builds what the API serves as static files (apps/dashboard/dist):
//   dist/dashboard/  the dashboard: index.html and its content-hashed module
//   dist/widgets/    @gatherkit/widgets as one module (plus its on-demand chunks), for the
//                    script tag the dashboard's embed snippet gives site owners
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
rmSync(here("dist"), { recursive: true, force: true });

const common = {
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  legalComments: "none",
  logLevel: "warning",
};

const app = await build({
  ...common,
  entryPoints: { app: here("src/main.ts") },
  entryNames: "[name]-[hash]",
  // What only some pages need (the charts, the place editor's map with Leaflet, the realtime connection) loads on demand, as chunks.
  splitting: true,
  chunkNames: "chunk-[hash]",
  outdir: here("dist/dashboard"),
  metafile: true,
});
const appFile = Object.entries(app.metafile.outputs)
  .find(([f, o]) => f.endsWith(".js") && o.entryPoint)[0]
  .split("/")
  .pop();
mkdirSync(here("dist/dashboard"), { recursive: true });
writeFileSync(here("dist/dashboard/index.html"), readFileSync(here("src/index.html"), "utf8").replace("%APP%", appFile));

await build({
  ...common,
  entryPoints: { "gatherkit-widgets": fileURLToPath(new URL("../../../packages/widgets/src/index.ts", import.meta.url)) },
  splitting: true,
  chunkNames: "chunk-[hash]",
  outdir: here("dist/widgets"),
});
console.log(`dashboard: dist/dashboard/${appFile}; widgets: dist/widgets/gatherkit-widgets.js`);
