import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The signing secrets of a local run (Node, not production), kept in `DATA_DIR/secrets.json`
 * (mode 0600) so sessions and room tokens survive a restart: generated at random the first time
 * each is needed, so no two data folders share one and none is written in the repository.
 * `pnpm dev` (scripts/dev.mjs) loads this same module to hand the realtime secret to
 * `partykit dev`, so the API and the rooms agree without either knowing a constant.
 */
export interface LocalSecrets {
  jwtSecret: string;
  realtimeSecret: string;
}

const fresh = () => crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "");

/** The data folder's secrets, creating (or completing) `secrets.json` on first use. */
export function localSecrets(dataDir: string): LocalSecrets {
  const file = resolve(dataDir, "secrets.json");
  const stored: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  if (stored.jwtSecret && stored.realtimeSecret) return { jwtSecret: stored.jwtSecret, realtimeSecret: stored.realtimeSecret };
  // A folder from before the realtime secret was kept here keeps its JWT secret (its sessions).
  const secrets = { jwtSecret: stored.jwtSecret ?? fresh(), realtimeSecret: stored.realtimeSecret ?? fresh() };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
