import type { CreatedUpload, CreateUpload, Upload } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { uploads } from "@gatherkit/db";
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import { answerOnCommit, rerunOnRetry } from "../../lib/idempotent-writes.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
import { checkImage, makeVariants, variantHeight } from "./images.js";
import { sniffImage, uploadStorage } from "./storage.js";

type Row = typeof uploads.$inferSelect;

async function toUpload(deps: Deps, r: Row): Promise<Upload> {
  // A read URL is the same for a whole window of the TTL (signed at the window's start, valid for
  // two): browsers and CDNs can cache it, and it still works at least one TTL from now.
  const ttl = deps.config.uploads.urlTtlSeconds * 1000;
  const windowStart = Math.floor(deps.now() / ttl) * ttl;
  return {
    id: r.id,
    contentType: r.contentType as Upload["contentType"],
    size: r.size,
    status: r.status,
    url:
      r.status === "uploaded"
        ? await uploadStorage(deps).getUrl(r.storageKey, r.contentType as Upload["contentType"], windowStart, windowStart + 2 * ttl)
        : null,
    attachedTo: r.attachedTo,
    publicUrl: r.attachedTo && r.status === "uploaded" ? fileUrl(deps, r.id) : null,
    width: r.width,
    height: r.height,
    variants:
      r.width && r.height
        ? r.variantWidths.map((w) => ({
            width: w,
            height: variantHeight(r.width!, r.height!, w),
            url: r.attachedTo && r.status === "uploaded" ? `${fileUrl(deps, r.id)}?w=${w}` : null,
          }))
        : [],
    createdAt: toIso(r.createdAt),
    expiresAt: toIso(r.expiresAt),
  };
}

/** Where a copy of the file `storageKey` `width` pixels wide is stored. */
export const variantKey = (storageKey: string, width: number) => `${storageKey}.w${width}`;

/** Where an attached file is served for good (it redirects to a signed, expiring storage URL). */
export const FILES_PATH = "/v1/files/";
const fileUrl = (deps: Pick<Deps, "config">, id: string) => `${deps.config.publicUrl}${FILES_PATH}${id}`;
const UPLOAD_ID = /^file_[0-9a-z]{8,40}$/;

/** The upload an image entry names: a `file_…` id, or this API's lasting URL of one; else null (an external URL). */
function uploadIdOf(deps: Pick<Deps, "config">, image: string): string | null {
  if (UPLOAD_ID.test(image)) return image;
  const prefix = fileUrl(deps, "");
  const id = image.startsWith(prefix) ? image.slice(prefix.length) : "";
  return UPLOAD_ID.test(id) ? id : null;
}

/** Detaches `ids` from `objectId` (those still attached to it). */
async function detach(deps: Deps, objectId: string, ids: readonly string[]) {
  if (ids.length === 0) return;
  await deps.db
    .update(uploads)
    .set({ attachedTo: null })
    .where(and(inArray(uploads.id, [...ids]), eq(uploads.attachedTo, objectId)));
}

/**
 * Writes an object's image list with `write`, attaching the uploads it names. `images` entries are
 * external http(s) URLs (kept as they are) or uploads of `orgId` — a `file_…` id or its lasting
 * URL — each checked with `requireUploaded` (another organization's: 404; never completed: 422),
 * claimed for `objectId` (one already showing another object: 409 `upload_attached_elsewhere`) and
 * stored as its lasting URL. Uploads in `previous` but not in `images` are detached once `write`
 * succeeded; if `write` fails, what this call claimed is released. `images` undefined: no change.
 */
export async function withImages<T>(
  deps: Deps,
  orgId: string,
  objectId: string,
  images: readonly string[] | undefined,
  previous: readonly string[],
  write: (stored: string[] | undefined) => Promise<T>,
): Promise<T> {
  if (images === undefined) return write(undefined);
  const idsOf = (list: readonly string[]) => new Set(list.map((i) => uploadIdOf(deps, i)).filter((id) => id !== null));
  const next = idsOf(images);
  const before = idsOf(previous);
  for (const id of next) await requireUploaded(deps, orgId, id);
  const claimed: string[] = [];
  for (const id of next) {
    if (before.has(id)) continue;
    const rows = await deps.db
      .update(uploads)
      .set({ attachedTo: objectId })
      .where(
        and(
          eq(uploads.id, id),
          eq(uploads.orgId, orgId),
          eq(uploads.status, "uploaded"),
          or(isNull(uploads.attachedTo), eq(uploads.attachedTo, objectId)),
        ),
      )
      .returning({ id: uploads.id });
    if (rows.length === 0) {
      await detach(deps, objectId, claimed);
      throw new ApiError(409, "upload_attached_elsewhere", `The file ${id} is an image of another object; upload it again to use it here.`);
    }
    claimed.push(id);
  }
  let result: T;
  try {
    result = await write(
      images.map((i) => {
        const id = uploadIdOf(deps, i);
        return id ? fileUrl(deps, id) : i;
      }),
    );
  } catch (err) {
    await detach(deps, objectId, claimed);
    throw err;
  }
  await detach(
    deps,
    objectId,
    [...before].filter((id) => !next.has(id)),
  );
  return result;
}

/**
 * An attached file's signed storage URL (what `/v1/files/{id}` redirects to), or 404: a file that
 * is pending, detached or unknown is not served. No credential: whoever sees an object's image
 * URL may load it, as a browser's `<img>` must.
 */
export async function attachedFileUrl(deps: Deps, id: string, width?: number): Promise<{ url: string; maxAge: number }> {
  const [row] = await deps.db.select().from(uploads).where(eq(uploads.id, id)).limit(1);
  if (row?.status !== "uploaded" || row.attachedTo === null) throw notFound("File");
  const { url } = await toUpload(deps, row);
  if (!url) throw notFound("File");
  const maxAge = Math.floor(deps.config.uploads.urlTtlSeconds / 2);
  // `?w=`: the copy of that width; the original when none was made (it is then narrower, or of a
  // type that gets no copies), so a `srcset` entry never breaks.
  if (width === undefined || !row.variantWidths.includes(width)) return { url, maxAge };
  const ttl = deps.config.uploads.urlTtlSeconds * 1000;
  const windowStart = Math.floor(deps.now() / ttl) * ttl;
  const type = row.contentType as Upload["contentType"];
  return { url: await uploadStorage(deps).getUrl(variantKey(row.storageKey, width), type, windowStart, windowStart + 2 * ttl), maxAge };
}

/** A pending upload and the signed URL the client PUTs its bytes to (declared type and size, enforced by storage). */
export async function createUpload(deps: Deps, orgId: string, input: CreateUpload): Promise<CreatedUpload> {
  const max = deps.config.uploads.maxBytes;
  if (input.size > max) {
    throw new ApiError(422, "upload_too_large", `An upload may be at most ${max} bytes; this one declares ${input.size}.`, {
      errors: [{ path: "body.size", message: `must be at most ${max}` }],
    });
  }
  const storage = uploadStorage(deps);
  const id = newId("upload");
  const now = deps.now();
  const expiresAt = now + deps.config.uploads.urlTtlSeconds * 1000;
  const row: Row = {
    id,
    orgId,
    provider: deps.config.uploads.s3 ? "s3" : "local",
    storageKey: `${orgId}/${id}`,
    contentType: input.contentType,
    size: input.size,
    status: "pending",
    attachedTo: null,
    createdAt: now,
    expiresAt,
    uploadedAt: null,
    width: null,
    height: null,
    variantWidths: [],
  };
  const target = await storage.putUrl(row.storageKey, input.contentType, input.size, now, expiresAt);
  const created: CreatedUpload = { ...(await toUpload(deps, row)), upload: { method: "PUT", ...target } };
  answerOnCommit(deps, 201, created);
  await deps.db.insert(uploads).values(row);
  return created;
}

async function load(deps: Deps, orgId: string, id: string): Promise<Row> {
  const [row] = await deps.db
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, id), eq(uploads.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Upload");
  return row;
}

export async function getUpload(deps: Deps, orgId: string, id: string): Promise<Upload> {
  return toUpload(deps, await load(deps, orgId, id));
}

/**
 * Marks an upload `uploaded` once storage holds exactly the declared size and its bytes start
 * like the declared image type (magic numbers, not a name). Until then it cannot be attached.
 */
export async function completeUpload(deps: Deps, orgId: string, id: string): Promise<Upload> {
  const row = await load(deps, orgId, id);
  if (row.status === "uploaded") return toUpload(deps, row);
  const storage = uploadStorage(deps);
  const stored = await storage.stat(row.storageKey);
  if (!stored)
    throw new ApiError(409, "upload_not_received", "Storage has no file for this upload yet: PUT the bytes to its upload URL first.");
  if (stored.size !== row.size) {
    throw new ApiError(422, "upload_mismatch", `The stored file has ${stored.size} bytes; the upload declared ${row.size}.`);
  }
  const actual = sniffImage(stored.head);
  if (actual !== row.contentType) {
    throw new ApiError(
      422,
      "upload_mismatch",
      `The stored bytes are ${actual ? `a ${actual}` : "not an image we accept"}; the upload declared ${row.contentType}.`,
    );
  }
  // The image itself: its size from its header (a pixel bomb is refused before any decoding),
  // then its smaller copies, all made before any is stored; the upload stays pending (and
  // unattachable) unless every copy was stored.
  const type = row.contentType as Upload["contentType"];
  const bytes = await storage.read(row.storageKey);
  if (!bytes || bytes.length !== row.size) {
    throw new ApiError(409, "upload_not_received", "Storage does not hold the whole file yet: PUT the bytes to its upload URL first.");
  }
  const size = checkImage(bytes, type, deps.config.uploads.maxPixels);
  const variants = await makeVariants(bytes, type, size);
  for (const v of variants) await storage.write(variantKey(row.storageKey, v.width), v.bytes, type);
  // Completing a completed upload answers it: a retry after a crash simply runs again.
  rerunOnRetry(deps);
  const [done] = await deps.db
    .update(uploads)
    .set({
      status: "uploaded",
      uploadedAt: deps.now(),
      width: size.width,
      height: size.height,
      variantWidths: variants.map((v) => v.width),
    })
    .where(and(eq(uploads.id, id), eq(uploads.orgId, orgId)))
    .returning();
  return toUpload(deps, done ?? row);
}

/**
 * For a domain attaching an image to one of its objects: the upload, if it belongs to `orgId` and
 * was uploaded (checked by `complete`); else 404, or 422 `upload_not_received`.
 */
export async function requireUploaded(deps: Deps, orgId: string, id: string): Promise<Upload> {
  const row = await load(deps, orgId, id);
  if (row.status !== "uploaded") {
    throw new ApiError(422, "upload_not_received", `The file ${id} was never uploaded (or not completed): it cannot be attached.`);
  }
  return toUpload(deps, row);
}
