import { Scalar } from "@scalar/hono-api-reference";
import { createBaseApp } from "./lib/create-app.js";
import type { Deps } from "./lib/types.js";
import { auth } from "./routes/auth/auth.index.js";
import { health } from "./routes/health/health.index.js";
import { organization } from "./routes/organization/organization.index.js";
import { participantTokens } from "./routes/participant-tokens/participant-tokens.index.js";
import { planChat } from "./routes/plan-chat/plan-chat.index.js";
import { planCosts } from "./routes/plan-costs/plan-costs.index.js";
import { planInvites } from "./routes/plan-invites/plan-invites.index.js";
import { planProposals } from "./routes/plan-proposals/plan-proposals.index.js";
import { plansRouter } from "./routes/plans/plans.index.js";
import { publishableKeys } from "./routes/publishable-keys/publishable-keys.index.js";
import { realtime } from "./routes/realtime/realtime.index.js";
import { secretKeys } from "./routes/secret-keys/secret-keys.index.js";

export type { AppBindings, Caller, Config, Deps } from "./lib/types.js";

/** The whole API, built from its dependencies. node.ts and worker.ts only wire these. */
export function createApp(deps: Deps) {
  const app = createBaseApp(deps);

  const routes = [
    health,
    auth,
    organization,
    secretKeys,
    publishableKeys,
    participantTokens,
    realtime,
    plansRouter,
    planInvites,
    planProposals,
    planCosts,
    planChat,
  ] as const;
  for (const r of routes) app.route("/", r);

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
    description: "The dashboard's HTTP-only session cookie.",
  });

  app.doc31("/v1/openapi.json", () => ({
    openapi: "3.1.0",
    info: {
      title: "Gatherkit API",
      version: deps.config.version,
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
  app.get(
    "/docs",
    Scalar({ url: "/v1/openapi.json", pageTitle: "Gatherkit API reference", ...(docsScript ? { cdn: "/docs/scalar.js" } : {}) }),
  );
  app.get("/", (c) => c.redirect("/docs"));

  return app;
}

export type App = ReturnType<typeof createApp>;
