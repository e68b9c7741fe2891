import type { UploadContentType } from "@gatherkit/core";
import { uploads } from "@gatherkit/db";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { requireOrganizer } from "../../lib/auth.js";
import { LOCAL_FILES_PATH } from "../../lib/create-app.js";
import { ApiError, notFound } from "../../lib/errors.js";
import type { AppBindings, AppRouteHandler } from "../../lib/types.js";
import { signLocal } from "./storage.js";
import type { CompleteRoute, CreateRoute, FileRoute, GetRoute } from "./uploads.routes.js";
import * as service from "./uploads.service.js";
import { variantKey } from "./uploads.service.js";

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await service.createUpload(c.var.deps, caller.orgId, c.req.valid("json")), 201);
};

export const get: AppRouteHandler<GetRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await service.getUpload(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};

export const complete: AppRouteHandler<CompleteRoute> = async (c) => {
  const caller = requireOrganizer(c);
  return c.json(await service.completeUpload(c.var.deps, caller.orgId, c.req.valid("param").id), 200);
};

export const file: AppRouteHandler<FileRoute> = async (c) => {
  const w = c.req.valid("query").w;
  const { url, maxAge } = await service.attachedFileUrl(c.var.deps, c.req.valid("param").id, w === undefined ? undefined : Number(w));
  c.header("cache-control", `public, max-age=${maxAge}`);
  c.header("referrer-policy", "no-referrer");
  return c.redirect(url, 302);
};

/** The local store's signed URL, checked: the file's row, if the signature over these terms holds and has not expired. */
async function openLocal(c: Context<AppBindings>, method: "PUT" | "GET") {
  const deps = c.var.deps;
  const files = deps.localFiles;
  if (!files || deps.config.uploads.s3) throw notFound("File");
  const key = c.req.path.slice(LOCAL_FILES_PATH.length);
  const id = key.slice(key.indexOf("/") + 1);
  // The file itself (`<org>/<id>`) or one of its copies (`<org>/<id>.w<width>`, GET only).
  const copy = /^(.*)\.w(\d+)$/.exec(id);
  const [row] = await deps.db
    .select()
    .from(uploads)
    .where(eq(uploads.id, copy ? copy[1]! : id))
    .limit(1);
  const exp = Number(c.req.query("exp"));
  const sig = c.req.query("sig") ?? "";
  if (!row) throw notFound("File");
  const isCopy =
    copy !== null && method === "GET" && row.variantWidths.includes(Number(copy[2])) && key === variantKey(row.storageKey, Number(copy[2]));
  if (row.storageKey !== key && !isCopy) throw notFound("File");
  const terms = method === "PUT" ? `PUT\n${key}\n${exp}\n${row.contentType}\n${row.size}` : `GET\n${key}\n${exp}\n${row.contentType}`;
  if (!Number.isSafeInteger(exp) || sig !== (await signLocal(deps.config.jwtSecret, terms))) {
    throw new ApiError(403, "upload_link_invalid", "This file link is not one the API signed.");
  }
  if (exp < deps.now()) throw new ApiError(403, "upload_expired", "This file link has expired; ask the API for a new one.");
  return { files, row, key };
}

/** PUT to the local store: exactly the declared type and size, else nothing is written. */
export async function localPut(c: Context<AppBindings>) {
  const { files, row, key } = await openLocal(c, "PUT");
  if (row.status === "uploaded") throw new ApiError(409, "conflict", "This upload is complete; its file cannot be replaced.");
  if (c.req.header("content-type") !== row.contentType) {
    throw new ApiError(422, "upload_mismatch", `The upload declared ${row.contentType}; send it with that Content-Type.`);
  }
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > row.size) {
    throw new ApiError(413, "payload_too_large", `The upload declared ${row.size} bytes; this request sends ${declared}.`);
  }
  const bytes = await readAtMost(c.req.raw, row.size);
  if (bytes === null) throw new ApiError(413, "payload_too_large", `The upload declared ${row.size} bytes; this request sends more.`);
  if (bytes.length !== row.size)
    throw new ApiError(422, "upload_mismatch", `The upload declared ${row.size} bytes; this request sent ${bytes.length}.`);
  await files.write(key, bytes);
  return c.body(null, 200);
}

/** GET from the local store, as the declared type, never sniffed or run by a browser. */
export async function localGet(c: Context<AppBindings>) {
  const { files, row, key } = await openLocal(c, "GET");
  if (row.status !== "uploaded") throw notFound("File");
  // A completed upload (and each copy) never changes: its key is its version.
  const etag = `"${key.slice(key.indexOf("/") + 1)}"`;
  const headers = {
    "content-type": row.contentType as UploadContentType,
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "private, max-age=300",
    etag,
  };
  if (
    c.req
      .header("if-none-match")
      ?.split(/\s*,\s*/)
      .includes(etag)
  )
    return c.body(null, 304, headers);
  const bytes = await files.read(key);
  if (!bytes) throw notFound("File");
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, headers);
}

/** The request body, or null as soon as it is longer than `max` (the rest is not read). */
async function readAtMost(req: Request, max: number): Promise<Uint8Array | null> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.length;
  }
  return out;
}
