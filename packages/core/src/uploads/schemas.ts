import { idSchema } from "../ids.js";
import { z } from "../zod.js";

/** The image types an upload may declare; its bytes are checked against it (magic numbers). */
export const UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

/** The largest size any deployment accepts (each sets its own, at most this: `UPLOAD_MAX_BYTES`). */
export const UPLOAD_MAX_BYTES_CEILING = 50 * 1024 * 1024;

export const CreateUploadSchema = z
  .strictObject({
    contentType: z.enum(UPLOAD_CONTENT_TYPES).openapi({ description: "The image's type; the bytes uploaded must be of it." }),
    size: z.number().int().min(1).max(UPLOAD_MAX_BYTES_CEILING).openapi({
      description: "The exact size in bytes; storage refuses any other (and more than the deployment's limit is 422 `upload_too_large`).",
      example: 48213,
    }),
  })
  .openapi("CreateUploadRequest");
export type CreateUpload = z.infer<typeof CreateUploadSchema>;

export const UploadSchema = z
  .object({
    id: z.string().openapi({ example: "file_0123456789abcdefghjk" }),
    contentType: z.enum(UPLOAD_CONTENT_TYPES),
    size: z.number().int(),
    status: z
      .enum(["pending", "uploaded"])
      .openapi({ description: "`uploaded` once `complete` found the declared bytes in storage; only then can it be attached." }),
    url: z.string().nullable().openapi({ description: "Where to read the file (a signed URL that expires), once uploaded." }),
    attachedTo: z.string().nullable().openapi({
      description: "The object (event, place…) it is an image of, or null; only an attached file is served at its public URL.",
      example: "evt_0123456789abcdefghjk",
    }),
    publicUrl: z.string().nullable().openapi({
      description: "Its lasting URL while attached (`/v1/files/{id}`, no credential: it redirects to a signed, expiring storage URL).",
    }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().openapi({ description: "Until when the upload URL works." }),
  })
  .openapi("Upload");
export type Upload = z.infer<typeof UploadSchema>;

export const CreatedUploadSchema = UploadSchema.extend({
  upload: z
    .object({
      method: z.literal("PUT"),
      url: z.string(),
      headers: z.record(z.string(), z.string()).openapi({ description: "Send exactly these headers with the bytes." }),
    })
    .openapi({ description: "Where the client sends the file: `PUT` the bytes straight to storage, then call `complete`." }),
}).openapi("CreatedUpload");
export type CreatedUpload = z.infer<typeof CreatedUploadSchema>;

/**
 * An image of an object (event, place…) in a request: an external http(s) URL, or the id of a
 * completed upload of the caller's organization (`file_…`), which the API attaches and answers
 * as its lasting URL (`<API>/v1/files/file_…`). Sending that URL back keeps the file attached.
 */
export const ImageRefSchema = z
  .union([z.url({ protocol: /^https?$/, message: "must be an http(s) URL or an upload id (file_…)" }).max(2000), idSchema("upload")])
  .openapi({
    description: "An http(s) URL, or the id of a completed upload (`file_…`), answered as its lasting URL.",
    example: "file_0123456789abcdefghjk",
  });
