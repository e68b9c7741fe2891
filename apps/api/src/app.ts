import { Scalar } from "@scalar/hono-api-reference";
import type { z } from "zod";
import { DOMAINS } from "./domains/index.js";
import { createBaseApp } from "./lib/create-app.js";
import { domainTasks, type PaymentEventHandler, type RoomAccessCheck } from "./lib/domain.js";
import { problems } from "./lib/openapi.js";
import { serveStaticAssets } from "./lib/static-assets.js";
import type { Deps } from "./lib/types.js";
import { platformRouter } from "./platform/index.js";
import { registerWebhookCatalogue, webhookCatalogue } from "./platform/webhooks/index.js";

export type { AppBindings, Caller, Config, Deps } from "./lib/types.js";

/**
 * The webhook event types and the schemas of their data: every message a domain publishes (no
 * list of them elsewhere). node.ts and worker.ts give its types to the webhook sender.
 */
export function webhookEventCatalogue() {
  return webhookCatalogue(DOMAINS.flatMap((d): readonly z.ZodType[] => d.messages));
}

/** The whole API, built from its dependencies. node.ts and worker.ts only wire these. */
export function createApp(deps: Deps) {
  // The domains' reactions to each other's published events, run by the outbox.
  deps.tasks ??= domainTasks(deps, DOMAINS);
  const app = createBaseApp(deps);

  const rooms: Record<string, RoomAccessCheck> = {};
  const payments: Record<string, PaymentEventHandler> = {};
  for (const d of DOMAINS) {
    Object.assign(rooms, d.rooms);
    if ("payments" in d && d.payments) payments[d.name] = d.payments;
  }
  const webhookEvents = webhookEventCatalogue();
  app.route("/", platformRouter(rooms, payments, webhookEvents));
  for (const d of DOMAINS) app.route("/", d.router);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "A secret key (`gk_sk_…`, servers only), a publishable key (`gk_pk_…`, browsers, from allowed origins), an organizer access token, or a participant token (`gk_pt_…`).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
    type: "apiKey",
    in: "cookie",
    name: "gk_access",
    description: "The HTTP-only session cookie that sign-in (`POST /v1/auth/sign-in`) sets for browsers.",
  });

  registerWebhookCatalogue(app.openAPIRegistry, webhookEvents);
  documentCommonProblems(app.openAPIRegistry);

  app.doc31("/v1/openapi.json", () => ({
    openapi: "3.1.0",
    info: {
      title: "Gatherkit API",
      version: deps.config.version,
      // The license the published packages (core, sdk, widgets) carry; the repository has no LICENSE file of its own.
      license: { name: "MIT", identifier: "MIT" },
      description:
        "Group coordination for any website. Errors are `application/problem+json` with a stable `code`. Every POST accepts an `Idempotency-Key` header. Lists are cursor-paginated.",
    },
    servers: [{ url: deps.config.publicUrl }],
  }));

  const docsScript = deps.docsScript;
  if (docsScript) {
    app.get("/docs/scalar.js", async (c) =>
      c.body(await docsScript(), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" }),
    );
  }
  let docsPolicy: Promise<string> | undefined;
  app.use("/docs", async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    docsPolicy ??= c.res
      .clone()
      .text()
      .then((html) => docsContentSecurityPolicy(html, !docsScript));
    c.res.headers.set("content-security-policy", await docsPolicy);
  });
  app.get(
    "/docs",
    Scalar({ url: "/v1/openapi.json", pageTitle: "Gatherkit API reference", ...(docsScript ? { cdn: "/docs/scalar.js" } : {}) }),
  );
  if (deps.assets) serveStaticAssets(app, deps.assets, deps.config);
  app.get("/", (c) => c.redirect(deps.assets ? "/dashboard/" : "/docs"));

  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * The reference page's Content-Security-Policy: its own inline script by hash (the page is the
 * same on every request) and the script it imports (served by the API, or Scalar's CDN on
 * Workers); styles inline (Scalar injects them); requests only to the API itself; never framed.
 */
async function docsContentSecurityPolicy(html: string, fromCdn: boolean): Promise<string> {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const body = m[1] ?? "";
    if (body.trim() === "") continue;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
    hashes.push(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
  }
  const cdn = fromCdn ? " https://cdn.jsdelivr.net" : "";
  return [
    "default-src 'none'",
    `script-src 'self'${cdn} ${hashes.join(" ")}`,
    `style-src 'self' 'unsafe-inline'${cdn}`,
    "font-src 'self' data: https://fonts.scalar.com",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * Problems middleware answers before any route runs, documented on every operation they reach: the
 * body limit's 413 whatever the method (a DELETE or an action without a body of its own included),
 * and on a POST with an `Idempotency-Key` the key's 409 (in flight, or carried out without a
 * stored answer) and 422 (used with a different request).
 */
function documentCommonProblems(registry: ReturnType<typeof createBaseApp>["openAPIRegistry"]): void {
  for (const d of registry.definitions) {
    if (d.type !== "route" || d.route.method === "get") continue;
    const responses = d.route.responses as Record<string, unknown>;
    responses[413] ??= problems[413];
    if (d.route.method !== "post") continue;
    responses[409] ??= problems[409];
    responses[422] ??= problems[422];
  }
}
