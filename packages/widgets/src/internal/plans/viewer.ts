/**
 * Who is looking at a plan. The API decides what a caller may do; the widgets only need to know
 * which participant "you" are, to show organizer controls to organizers and to say "you" in the
 * people, chat and balances.
 *
 * A participant token is `gk_pt_` followed by a JWT whose `sub` is the participant id. The
 * widgets read that claim without verifying it: it only chooses what to show, and every action
 * is still checked by the API. A joined visitor's id comes from the join answer instead.
 */
export function participantIdFromToken(token: string | undefined): string | null {
  if (!token?.startsWith("gk_pt_")) return null;
  const payload = token.slice("gk_pt_".length).split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === "string" && sub.startsWith("ptc_") ? sub : null;
  } catch {
    return null;
  }
}

const STORAGE_PREFIX = "gatherkit:plan-token:";

/**
 * The `remember` attribute's storage: a participant token kept in `localStorage` under
 * `gatherkit:plan-token:<planId>`, so someone who joined stays joined on this device. Storage
 * that is unavailable (private mode, blocked cookies) is ignored.
 */
export const rememberedTokens = {
  key: (planId: string) => STORAGE_PREFIX + planId,
  get(planId: string): string | undefined {
    try {
      return globalThis.localStorage?.getItem(STORAGE_PREFIX + planId) ?? undefined;
    } catch {
      return undefined;
    }
  },
  set(planId: string, token: string): void {
    try {
      globalThis.localStorage?.setItem(STORAGE_PREFIX + planId, token);
    } catch {
      // Storage full or blocked: the token still works for this page.
    }
  },
  delete(planId: string): void {
    try {
      globalThis.localStorage?.removeItem(STORAGE_PREFIX + planId);
    } catch {}
  },
};
