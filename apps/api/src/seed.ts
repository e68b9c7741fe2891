import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomToken } from "@gatherkit/core";
import { users } from "@gatherkit/db";
import { createPublishableKey, createSecretKey, signUp } from "./domains/accounts/index.js";
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
export const DEMO_ORIGINS = ["http://127.0.0.1:8787", "http://localhost:8787", "http://127.0.0.1:5173", "http://localhost:5173"];

/**
 * The embedded default's demo organization. On the first start (no users yet) it creates a demo
 * organizer, their organization, a secret key and a publishable key for the local origins,
 * prints them and writes them to `DATA_DIR/demo.json`. Later starts read that file back and
 * create nothing. A database that already has users but no demo.json is left alone (null).
 */
export async function seedDemo(
  deps: Deps,
  dataDir: string,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<DemoCredentials | null> {
  const file = join(dataDir, "demo.json");
  const [anyUser] = await deps.db.select({ id: users.id }).from(users).limit(1);
  if (anyUser) {
    if (!existsSync(file)) return null;
    const demo = JSON.parse(readFileSync(file, "utf8")) as DemoCredentials;
    print(banner(demo, file, false));
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
  const publishableKey = await createPublishableKey(deps, orgId, { name: "Demo pages", allowedOrigins: DEMO_ORIGINS });
  const demo: DemoCredentials = {
    email: DEMO_EMAIL,
    password,
    organizationId: orgId,
    secretKey: secretKey.secret,
    publishableKey: publishableKey.key,
    apiBase: deps.config.publicUrl,
  };
  writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  print(banner(demo, file, true));
  return demo;
}

function banner(demo: DemoCredentials, file: string, created: boolean): string {
  const rows: [string, string][] = [
    ["API", demo.apiBase],
    ["Sign in", `${demo.email}  /  ${demo.password}`],
    ["Organization", `Demo Organization (${demo.organizationId})`],
    ["Secret key", `${demo.secretKey}  (servers only)`],
    ["Publishable key", `${demo.publishableKey}  (for pages on ${DEMO_ORIGINS.join(", ")})`],
    ["Saved in", file],
  ];
  const title = created ? "Gatherkit demo organization created" : "Gatherkit demo organization";
  const rule = "-".repeat(72);
  return ["", rule, `  ${title}`, rule, ...rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`), rule, ""].join("\n");
}
