import type { Deps } from "./lib/types.js";

// Placeholder until accounts land: seeds nothing.
export async function seedDemo(_deps: Deps, _dataDir: string): Promise<Record<string, string> | null> {
  return null;
}
