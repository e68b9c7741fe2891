import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
};

/**
 * Static files from a directory for `Deps.assets` (Node): the file at a URL path, or null when
 * there is none. A path that would leave the directory (`..`, encoded or not) finds nothing.
 */
export function filesFrom(dir: string): (path: string) => Promise<Response | null> {
  const root = resolve(dir);
  return async (path) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null;
    }
    const file = resolve(root, `.${decoded}`);
    if (!file.startsWith(root + sep)) return null;
    const type = TYPES[extname(file)];
    if (!type) return null;
    try {
      return new Response(await readFile(file), { headers: { "content-type": type } });
    } catch {
      return null;
    }
  };
}
