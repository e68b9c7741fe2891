// Builds each example app with Vite into dist/<name> (what server.ts serves): `pnpm build` here,
// or `node build.mjs react` for one. The widgets and the SDK come from the workspace's sources;
// each widget's other-language tables become chunks of their own, fetched only when used.
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { build } from "vite";

export const EXAMPLES = ["react", "vue", "html"];

export async function buildExample(name) {
  await build({
    root: fileURLToPath(new URL(`./${name}/`, import.meta.url)),
    base: "./",
    logLevel: "warn",
    configFile: false,
    plugins: name === "vue" ? [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith("gk-") } } })] : [],
    build: {
      outDir: fileURLToPath(new URL(`./dist/${name}/`, import.meta.url)),
      emptyOutDir: true,
      target: "es2022",
      // The plain-HTML site has a second page: a guest's invitation (what invitation emails link to).
      ...(name === "html" && {
        rollupOptions: {
          input: {
            index: fileURLToPath(new URL("./html/index.html", import.meta.url)),
            invitation: fileURLToPath(new URL("./html/invitation.html", import.meta.url)),
          },
        },
      }),
    },
  });
}

if (import.meta.main) {
  for (const name of process.argv.length > 2 ? process.argv.slice(2) : EXAMPLES) await buildExample(name);
}
