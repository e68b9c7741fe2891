import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/realtime.ts", "src/webhooks.ts", "src/guest-push.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
});
