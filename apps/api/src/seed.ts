import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomToken } from "@gatherkit/core";
import { publishableKeys, users } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import { createPublishableKey, createSecretKey, signUp, updatePublishableKey } from "./domains/accounts/index.js";
import { ApiError } from "./lib/errors.js";
import type { Deps } from "./lib/types.js";

/** What `DATA_DIR/demo.json` holds: everything needed to try Gatherkit locally. */
export interface DemoCredentials {
  email: string;
  password: string;
  organizationId: string;
  secretKey: string;
  publishableKey: string;
  apiBase: string;
}

export const DEMO_EMAIL = "demo@gatherkit.local";

/**
 * The origins `pnpm dev` serves pages from, under both loopback names a browser may be pointed
 * at: the demo host page (`WEB_PORT`, 5173 by default) and the API itself (its /docs page).
 */
export function demoOrigins(ports: { api: number; web: number }): string[] {
  return [...new Set([ports.web, ports.api])].flatMap((port) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/**
 * The embedded default's demo organization. On the first start (no users yet) it creates a demo
 * organizer, their organization, a secret key and a publishable key for `origins`, prints them
 * and writes them to `DATA_DIR/demo.json`. Later starts read that file back and create nothing,
 * but add to the demo key the `origins` it lacks (when the ports moved), and follow the API's
 * address. A database that already has users but no demo.json is left alone (null).
 */
export async function seedDemo(
  deps: Deps,
  dataDir: string,
  origins: string[],
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<DemoCredentials | null> {
  const file = join(dataDir, "demo.json");
  const [anyUser] = await deps.db.select({ id: users.id }).from(users).limit(1);
  if (anyUser) {
    if (!existsSync(file)) return null;
    const saved = JSON.parse(readFileSync(file, "utf8")) as DemoCredentials;
    const demo = { ...saved, apiBase: deps.config.publicUrl };
    if (demo.apiBase !== saved.apiBase) writeDemo(file, demo);
    print(banner(demo, file, false, await allowDemoOrigins(deps, demo.publishableKey, origins)));
    return demo;
  }

  const password = randomToken(20);
  let session: Awaited<ReturnType<typeof signUp>>;
  try {
    session = await signUp(deps, { email: DEMO_EMAIL, password, name: "Demo Organizer", organizationName: "Demo Organization" });
  } catch (err) {
    // Another instance seeded the same database first.
    if (err instanceof ApiError && err.code === "email_taken") return null;
    throw err;
  }
  const orgId = session.organization.id;
  const secretKey = await createSecretKey(deps, orgId, { name: "Demo server" });
  const publishableKey = await createPublishableKey(deps, orgId, { name: "Demo pages", allowedOrigins: origins });
  const demo: DemoCredentials = {
    email: DEMO_EMAIL,
    password,
    organizationId: orgId,
    secretKey: secretKey.secret,
    publishableKey: publishableKey.key,
    apiBase: deps.config.publicUrl,
  };
  writeDemo(file, demo);
  print(banner(demo, file, true, publishableKey.allowedOrigins));
  return demo;
}

function writeDemo(file: string, demo: DemoCredentials) {
  writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Adds the origins the demo key lacks, keeping those it has, through the same service as
 * `PATCH /v1/publishable-keys/{id}` (so the organization's feed hears `key.changed`). Answers the
 * key's origins, or null when the key is gone or revoked (then the banner says how to make another).
 */
async function allowDemoOrigins(deps: Deps, key: string, origins: string[]): Promise<string[] | null> {
  const [row] = await deps.db.select().from(publishableKeys).where(eq(publishableKeys.key, key)).limit(1);
  if (!row || row.revokedAt !== null) return null;
  const missing = origins.filter((o) => !row.allowedOrigins.includes(o));
  if (!missing.length) return row.allowedOrigins;
  const updated = await updatePublishableKey(deps, row.orgId, row.id, { allowedOrigins: [...row.allowedOrigins, ...missing] });
  return updated.allowedOrigins;
}

function banner(demo: DemoCredentials, file: string, created: boolean, origins: string[] | null): string {
  const rows: [string, string][] = [
    ["API", demo.apiBase],
    ["Dashboard", `${demo.apiBase}/dashboard/`],
    ["Sign in", `${demo.email}  /  ${demo.password}`],
    ["Organization", `Demo Organization (${demo.organizationId})`],
    ["Secret key", `${demo.secretKey}  (servers only)`],
    origins
      ? ["Publishable key", `${demo.publishableKey}  (for pages on ${origins.join(", ")})`]
      : [
          "Publishable key",
          `${demo.publishableKey} is revoked or gone; create another with the secret key: POST ${demo.apiBase}/v1/publishable-keys`,
        ],
    ["Saved in", file],
  ];
  const title = created ? "Gatherkit demo organization created" : "Gatherkit demo organization";
  const rule = "-".repeat(72);
  return ["", rule, `  ${title}`, rule, ...rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`), rule, ""].join("\n");
}
