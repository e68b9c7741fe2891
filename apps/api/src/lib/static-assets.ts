import type { OpenAPIHono } from "@hono/zod-openapi";
import { mapTileSource } from "./config.js";
import type { AppBindings, Config, Deps } from "./types.js";

/**
 * The dashboard's policy: its own scripts and styles only, calls to the API on the same origin
 * and live updates from the realtime rooms' host (`realtimeHost`, e.g. 127.0.0.1:1999), never
 * framed. (Lit's styles are constructed stylesheets, which `style-src 'self'` allows.) With
 * S3-compatible storage (`storageEndpoint`), its origin may take an image's bytes (the signed PUT
 * of an upload) and serve images (`/v1/files/…` redirects there); local storage is the API's own.
 */
export const dashboardCsp = (realtimeHost: string, tileUrl?: string | null, storageEndpoint?: string | null) => {
  const storage = storageEndpoint ? ` ${new URL(storageEndpoint).origin}` : "";
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:${tileUrl ? ` ${mapTileSource(tileUrl)}` : ""}${storage}; connect-src 'self'${storage} ws://${realtimeHost} wss://${realtimeHost}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
};

// With a map tile server (`MAP_TILE_URL`), its origin may serve images (Leaflet's tiles are
// `<img>`s; nothing fetches them, so `connect-src` does not grow for them).

/** The page tells the dashboard its tile URL in a `<meta>` (no second API; absent: no tiles). */
const tileMeta = (tileUrl: string) =>
  `<meta name="gk-map-tile-url" content="${tileUrl.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;")}" />`;

/** A file whose name carries its content hash never changes: browsers may keep it. */
const HASHED = /-[A-Z0-9]{8}\.js$/;

/**
 * Serves what apps/dashboard builds: the dashboard at /dashboard (every path that is not a file
 * gets its index.html, so deep links and reloads work: the dashboard routes on the client) and
 * the widgets module at /widgets/… for the `<script type="module">` a site owner pastes (any
 * origin may load it; it holds no secret).
 */
export function serveStaticAssets(
  app: OpenAPIHono<AppBindings>,
  assets: NonNullable<Deps["assets"]>,
  config: Pick<Config, "realtimeHost" | "mapTileUrl" | "uploads">,
): void {
  const csp = dashboardCsp(config.realtimeHost, config.mapTileUrl, config.uploads.s3?.endpoint);
  app.get("/widgets/*", async (c) => {
    const file = await assets(c.req.path);
    if (!file) return c.notFound();
    const res = new Response(file.body, file);
    res.headers.set("access-control-allow-origin", "*");
    res.headers.set("cross-origin-resource-policy", "cross-origin");
    res.headers.set("cache-control", HASHED.test(c.req.path) ? "public, max-age=31536000, immutable" : "public, max-age=300");
    return res;
  });
  // The app is not strict about trailing slashes: this route also matches "/dashboard/", whose
  // `c.req.path` is "/dashboard" too, so the URL itself tells them apart.
  app.get("/dashboard", (c) => (new URL(c.req.url).pathname === "/dashboard" ? c.redirect("/dashboard/") : dashboardFile("/dashboard/")));
  app.get("/dashboard/*", (c) => dashboardFile(c.req.path));

  async function dashboardFile(path: string): Promise<Response> {
    const isFile = /\.[a-z0-9]+$/i.test(path);
    const file = isFile ? await assets(path) : await assets("/dashboard/index.html");
    if (!file) {
      return isFile
        ? new Response("Not found", { status: 404 })
        : new Response("The dashboard is not built: run `pnpm build`.", { status: 503 });
    }
    const tiles = config.mapTileUrl;
    const body = !isFile && tiles ? (await file.text()).replace("</head>", `    ${tileMeta(tiles)}\n  </head>`) : file.body;
    const res = new Response(body, file);
    if (body !== file.body) res.headers.delete("content-length");
    res.headers.set("content-security-policy", csp);
    res.headers.set("cache-control", isFile && HASHED.test(path) ? "public, max-age=31536000, immutable" : "no-cache");
    return res;
  }
}
