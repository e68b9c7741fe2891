import type { Result, Router } from "hono/router";
import { UnsupportedPathError } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";

/**
 * The app's router: hono's `RegExpRouter` (one regular expression for all routes, a map for
 * static paths) wherever it can take the routes, `TrieRouter` under the few path prefixes it
 * cannot.
 *
 * Why: `RegExpRouter` refuses a path parameter beside a static segment at the same place
 * (`/v1/inbox/{inboxItemId}/read` beside `/v1/inbox/read-all`), so hono's default `SmartRouter`
 * falls back to `TrieRouter` for the whole app, and every request then walks a trie of ~650
 * routes (~2 µs a match, bench/README.md). Here only the requests under such a prefix do.
 *
 * How: the trie holds every route, so it answers any path exactly as hono's fallback does. The
 * regular-expression router holds every route except those under a refused prefix; a route under
 * a static prefix can only match paths under it (`under`), so for every other path both routers
 * find the same handlers in the same order. The prefixes are found when the first request is
 * matched: build, and on `UnsupportedPathError` move the refused route's static prefix to the
 * trie and build again. If that does not converge the trie answers everything, as before.
 */
export class SplitRouter<T> implements Router<T> {
  name = "SplitRouter";
  #routes: [string, string, T][] = [];
  #trie = new TrieRouter<T>();

  add(method: string, path: string, handler: T): void {
    this.#routes.push([method, path, handler]);
    this.#trie.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    const { fast, triePrefixes } = this.#build();
    const trie = this.#trie;
    this.name = fast ? `SplitRouter (RegExpRouter; TrieRouter under ${triePrefixes.join(", ") || "nothing"})` : "SplitRouter (TrieRouter)";
    this.match = fast
      ? (m, p) => {
          for (const prefix of triePrefixes) if (under(p, prefix)) return trie.match(m, p);
          return fast.match(m, p);
        }
      : (m, p) => trie.match(m, p);
    return this.match(method, path);
  }

  /** The prefixes the trie answers alone, and the regular-expression router for the rest (undefined: the trie answers all). */
  #build(): { fast: RegExpRouter<T> | undefined; triePrefixes: string[] } {
    const triePrefixes: string[] = [];
    for (;;) {
      const fast = new RegExpRouter<T>();
      try {
        // A refused route throws as it is added, or when the first match builds the matchers.
        for (const [m, p, h] of this.#routes) if (!triePrefixes.some((x) => p.startsWith(x))) fast.add(m, p, h);
        fast.match("GET", "/");
        return { fast, triePrefixes };
      } catch (err) {
        if (!(err instanceof UnsupportedPathError)) throw err;
        const prefix = staticPrefix(err.message);
        // A prefix that covers nothing new, or everything: the trie answers every path.
        if (prefix.length < 2 || triePrefixes.includes(prefix)) return { fast: undefined, triePrefixes: [] };
        triePrefixes.push(prefix);
      }
    }
  }
}

/** The part of a route path before its first parameter or wildcard (`/v1/inbox/:id/read` → `/v1/inbox/`). */
export function staticPrefix(path: string): string {
  const i = path.search(/[:*]/);
  return i === -1 ? path : path.slice(0, i);
}

/**
 * Whether a route under `prefix` may match `path`: a path that starts with it, or the prefix
 * itself without its trailing slash (a tail wildcard `/v1/inbox/*` or an optional last parameter
 * also matches `/v1/inbox`).
 */
export function under(path: string, prefix: string): boolean {
  return path.startsWith(prefix) || (prefix.endsWith("/") && path.length === prefix.length - 1 && prefix.startsWith(path));
}
