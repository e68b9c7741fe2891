import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.js";
import { createApp } from "../app.js";
import { filesFrom } from "./static-files.js";

/** The dashboard's and the widgets' static files, as the API serves them (Deps.assets). */
let dir: string;
let t: TestApp;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "gk-assets-"));
  dir = join(root, "dist");
  mkdirSync(join(dir, "dashboard"), { recursive: true });
  mkdirSync(join(dir, "widgets"), { recursive: true });
  writeFileSync(join(dir, "dashboard/index.html"), "<!doctype html><gk-dashboard></gk-dashboard>");
  writeFileSync(join(dir, "dashboard/app-ABCDEFGH.js"), "export {};");
  writeFileSync(join(dir, "widgets/gatherkit-widgets.js"), "export {};");
  writeFileSync(join(root, "secret.json"), '{"secret":true}');
  t = await createTestApp();
  app = createApp({ ...t.deps, assets: filesFrom(dir) });
});
afterAll(() => {
  t.close();
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

const get = (path: string) => app.fetch(new Request(`http://api.test${path}`));

describe("static files", () => {
  it("serves the dashboard with its CSP, and its index.html for every deep link", async () => {
    for (const path of ["/dashboard/", "/dashboard/developers/keys", "/dashboard/plans?x=1"]) {
      const res = await get(path);
      expect([path, res.status, res.headers.get("location")]).toEqual([path, 200, null]);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain("<gk-dashboard>");
    }
    expect((await get("/dashboard")).headers.get("location")).toBe("/dashboard/");
  });

  it("hashed files are cached for good; a missing file is a 404, not the app", async () => {
    const js = await get("/dashboard/app-ABCDEFGH.js");
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect((await get("/dashboard/app-MISSING1.js")).status).toBe(404);
  });

  it("the widgets module loads from any origin (a site owner's page)", async () => {
    const res = await get("/widgets/gatherkit-widgets.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("nothing outside the directory is reachable, encoded or not", async () => {
    for (const path of [
      "/dashboard/../secret.json",
      "/dashboard/..%2f..%2fsecret.json",
      "/widgets/..%2f..%2fsecret.json",
      "/widgets/%2e%2e/%2e%2e/secret.json",
    ]) {
      const res = await get(path);
      expect(await res.text()).not.toContain('"secret"');
    }
    expect(await filesFrom(dir)("/../secret.json")).toBeNull();
    expect(await filesFrom(dir)("/dashboard/%2e%2e/%2e%2e/secret.json")).toBeNull();
    expect(await filesFrom(dir)("/%E0%A4%A")).toBeNull();
  });
});
