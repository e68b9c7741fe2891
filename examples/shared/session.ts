import type { Session } from "../server.ts";

export type { Session };

/** Asks the site's own server (server.ts) for the signed-in user's Gatherkit session. */
export async function loadSession(): Promise<Session> {
  const res = await fetch("/session.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`The site's server could not start a session: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

/** The languages the widgets ship tables for (any other tag falls back to English). */
export const LOCALES = [
  ["en", "English"],
  ["de", "Deutsch"],
  ["fr", "Français"],
  ["es", "Español"],
  ["ar", "العربية"],
] as const;

export const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
  gk-ticket-checkout, gk-connection-check { --gk-color-accent: #0969da; --gk-radius: 6px; margin-block: 1rem; }
  #log { font: 14px ui-monospace, monospace; color: #57606a; }
`;
