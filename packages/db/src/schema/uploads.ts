import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns.js";

/**
 * Files uploaded straight to storage (S3-compatible, or the local disk of the embedded default)
 * through a signed URL the API hands out. `pending` until the API has seen the bytes in storage
 * (size and type as declared); only an `uploaded` file can be attached to an object.
 */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    provider: text("provider", { enum: ["s3", "local"] }).notNull(),
    storageKey: text("storage_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    status: text("status", { enum: ["pending", "uploaded"] }).notNull(),
    /** The object it was attached to (a plan, an event, a place…), once attached. */
    attachedTo: text("attached_to"),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    uploadedAt: integer("uploaded_at"),
    /** The image's intrinsic size in pixels, read from its header at completion (null while pending). */
    width: integer("width"),
    height: integer("height"),
    /** The widths of the smaller copies made at completion (`<storage key>.w<width>`), ascending. */
    variantWidths: text("variant_widths", { mode: "json" }).$type<number[]>().notNull().default(sql`'[]'`),
  },
  (t) => [index("uploads_org").on(t.orgId, t.createdAt)],
);
