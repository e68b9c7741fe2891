import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { configFromEnv, mapTileSource, mapTileUrl } from "./config.js";
import { dashboardCsp, serveStaticAssets } from "./static-assets.js";
import type { AppBindings } from "./types.js";

const INDEX = '<!doctype html><html><head><meta charset="utf-8" /></head><body><gk-dashboard></gk-dashboard></body></html>';
const assets = async (path: string) =>
  path === "/dashboard/index.html"
    ? new Response(INDEX, { headers: { "content-type": "text/html", "content-length": String(INDEX.length) } })
    : path === "/dashboard/app-ABCDEFGH.js"
      ? new Response("export {}", { headers: { "content-type": "text/javascript" } })
      : null;

const configOf = (env: Record<string, string>) =>
  configFromEnv({ JWT_SECRET: "x".repeat(32), REALTIME_SECRET: "y".repeat(32), ...env }, "node");
/** The policy without tiles: the dashboard's own origin, and the realtime host for live updates. */
const DASHBOARD_CSP = dashboardCsp(configOf({}).realtimeHost);

function dashboard(env: Record<string, string>) {
  const app = new OpenAPIHono<AppBindings>();
  const config = configOf(env);
  serveStaticAssets(app, assets, config);
  return (path: string) => app.request(path);
}
const imgSrc = (csp: string | null) => csp?.split("; ").find((d) => d.startsWith("img-src"));

describe("the dashboard's map tiles and CSP", () => {
  it("without MAP_TILE_URL: images from its own origin only, and no tile URL in the page", async () => {
    const get = dashboard({});
    for (const path of ["/dashboard/", "/dashboard/places/plc_0123456789abcdefghjk/edit", "/dashboard/app-ABCDEFGH.js"]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
      expect(imgSrc(res.headers.get("content-security-policy"))).toBe("img-src 'self' data:");
    }
    expect(await (await get("/dashboard/")).text()).not.toContain("gk-map-tile-url");
  });

  it("with MAP_TILE_URL: its origin (a {s} subdomain as *) joins img-src only, and the page names the URL", async () => {
    const get = dashboard({ MAP_TILE_URL: "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png?key=a&b=1" });
    const res = await get("/dashboard/places/plc_0123456789abcdefghjk/edit");
    const csp = res.headers.get("content-security-policy")!;
    expect(imgSrc(csp)).toBe("img-src 'self' data: https://*.tiles.example.org");
    // Nothing else widens: scripts, styles and calls stay the dashboard's own.
    expect(csp.replace(" https://*.tiles.example.org", "")).toBe(DASHBOARD_CSP);
    const page = await res.text();
    expect(page).toContain('<meta name="gk-map-tile-url" content="https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png?key=a&amp;b=1" />');
    expect(res.headers.get("content-length")).toBeNull();
    // A script is served unchanged, under the same policy.
    const js = await get("/dashboard/app-ABCDEFGH.js");
    expect(await js.text()).toBe("export {}");
    expect(imgSrc(js.headers.get("content-security-policy"))).toBe("img-src 'self' data: https://*.tiles.example.org");
  });

  it("with S3-compatible storage: its origin joins img-src and connect-src (an upload's PUT, a file's redirect), nothing else", async () => {
    const get = dashboard({
      S3_ENDPOINT: "https://account.r2.example.com/",
      S3_BUCKET: "gk",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
    });
    const csp = (await get("/dashboard/events/evt_0123456789abcdefghjk/edit")).headers.get("content-security-policy")!;
    expect(imgSrc(csp)).toBe("img-src 'self' data: https://account.r2.example.com");
    expect(csp.split("; ").find((d) => d.startsWith("connect-src"))).toMatch(/^connect-src 'self' https:\/\/account\.r2\.example\.com ws:/);
    expect(csp.replaceAll(" https://account.r2.example.com", "")).toBe(DASHBOARD_CSP);
  });

  it("refuses a tile URL that is not https, lacks {z}/{x}/{y}, carries credentials or could break the policy", () => {
    expect(mapTileUrl(undefined)).toBeNull();
    expect(mapTileUrl("")).toBeNull();
    expect(mapTileSource(mapTileUrl("http://localhost:8080/{z}/{x}/{y}.png")!)).toBe("http://localhost:8080");
    expect(mapTileSource("https://tile.example/{z}/{x}/{y}.png")).toBe("https://tile.example");
    for (const bad of [
      "http://tile.example/{z}/{x}/{y}.png",
      "https://tile.example/{z}/{x}.png",
      "https://user:pw@tile.example/{z}/{x}/{y}.png",
      "https://tile.example/{z}/{x}/{y}.png; script-src *",
      "https://tile.example/{s}/{z}/{x}/{y}.png",
      "javascript:{z}{x}{y}",
      "not a url {z}{x}{y}",
    ]) {
      expect(() => mapTileUrl(bad), bad).toThrow(/^MAP_TILE_URL /);
    }
  });
});
