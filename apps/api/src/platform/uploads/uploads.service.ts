import type { CreatedUpload, CreateUpload, Upload } from "@gatherkit/core";
import { newId } from "@gatherkit/core";
import { uploads } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { ApiError, notFound } from "../../lib/errors.js";
import { toIso } from "../../lib/time.js";
import type { Deps } from "../../lib/types.js";
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
    createdAt: toIso(r.createdAt),
    expiresAt: toIso(r.expiresAt),
  };
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
  };
  const target = await storage.putUrl(row.storageKey, input.contentType, input.size, now, expiresAt);
  await deps.db.insert(uploads).values(row);
  return { ...(await toUpload(deps, row)), upload: { method: "PUT", ...target } };
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
  const stored = await uploadStorage(deps).stat(row.storageKey);
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
  const [done] = await deps.db
    .update(uploads)
    .set({ status: "uploaded", uploadedAt: deps.now() })
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
