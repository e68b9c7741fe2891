import { idSchema } from "../ids.js";
import { z } from "../zod.js";

/** The image types an upload may declare; its bytes are checked against it (magic numbers). */
export const UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

/**
 * The widths (CSS pixels) of the smaller copies made of an uploaded PNG or JPEG when it is
 * completed, each only when narrower than the original (never upscaled); served at
 * `/v1/files/{id}?w=<width>`.
 */
export const IMAGE_VARIANT_WIDTHS = [320, 640, 1280] as const;
export type ImageVariantWidth = (typeof IMAGE_VARIANT_WIDTHS)[number];

/** `GET /v1/files/{id}?w=`: one of the copy widths; another is 400. */
export const FileQuerySchema = z.object({
  w: z
    .enum(["320", "640", "1280"] satisfies `${ImageVariantWidth}`[])
    .optional()
    .openapi({
      description: `The copy ${IMAGE_VARIANT_WIDTHS.join(", ")} pixels wide; when none was made at that width (the original is narrower, or not a PNG or JPEG), the original.`,
      example: "640",
    }),
});

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
    width: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The image's intrinsic width in pixels (from its header), once uploaded.", example: 1600 }),
    height: z.number().int().nullable().openapi({ description: "Its intrinsic height in pixels, once uploaded.", example: 1200 }),
    variants: z
      .array(
        z.object({
          width: z.number().int().openapi({ example: 640 }),
          height: z.number().int().openapi({ example: 480 }),
          url: z.string().nullable().openapi({ description: "Its lasting URL (`/v1/files/{id}?w=…`) while attached, else null." }),
        }),
      )
      .openapi({
        description: `Smaller copies in the same format, made when the upload is completed (PNG and JPEG only), at the widths ${IMAGE_VARIANT_WIDTHS.join(", ")} narrower than the original; for \`srcset\`.`,
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
