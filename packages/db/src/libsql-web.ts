import { type Config, createClient } from "@libsql/client/web";
import { fromLibsqlClient, type LibsqlHandle } from "./libsql-handle.js";

/**
 * libSQL over HTTP (Turso or `sqld`) with the fetch-based client, for runtimes without Node
 * (Cloudflare Workers). Accepts `libsql://`, `https://` and `http://` URLs, not `file:`.
 */
export function createLibsqlWebDb(config: Config): LibsqlHandle {
  return fromLibsqlClient(createClient(config));
}
