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
  /** CALENDAR_TOKEN_KEY of this folder (`local:<base64 of 32 random bytes>`): its Google tokens stay readable after a restart. */
  calendarTokenKey: string;
}

const fresh = () => crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "");

const freshAesKey = () => `local:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

/** The data folder's secrets, creating (or completing) `secrets.json` on first use. */
export function localSecrets(dataDir: string): LocalSecrets {
  const file = resolve(dataDir, "secrets.json");
  const stored: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  if (stored.jwtSecret && stored.realtimeSecret && stored.calendarTokenKey) {
    return { jwtSecret: stored.jwtSecret, realtimeSecret: stored.realtimeSecret, calendarTokenKey: stored.calendarTokenKey };
  }
  // A folder from before a secret was kept here keeps the ones it has (its sessions) and gains the others.
  const secrets = {
    jwtSecret: stored.jwtSecret ?? fresh(),
    realtimeSecret: stored.realtimeSecret ?? fresh(),
    calendarTokenKey: stored.calendarTokenKey ?? freshAesKey(),
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
