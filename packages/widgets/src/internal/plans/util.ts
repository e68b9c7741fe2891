import type { PagePromise } from "@gatherkit/sdk";

/** Every item of a list, page after page (up to `max`). */
export async function collect<T>(pages: PagePromise<T>, max = 1000): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) {
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}

/**
 * Wraps `run` so that calls made while it runs are coalesced into one more run afterwards: a
 * burst of live events causes at most one reload in flight and one queued.
 */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}

/**
 * `load` once and share its promise, e.g. an `import()` of code fetched after the first data. A
 * failure (the chunk did not arrive) is forgotten, so the next call tries again.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
