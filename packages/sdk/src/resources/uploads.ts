import type { RequestOptions } from "../core.js";
import type { CreatedUpload, Upload, UploadCreateParams } from "../types.js";
import { APIResource, path } from "./resource.js";

/** What `gk.uploads.upload` takes besides the file. */
export interface UploadFileOptions {
  /** The image's type; the file's own `type` by default. */
  contentType?: UploadCreateParams["contentType"];
  /** Called as the bytes go out (`sent` of `total`); in browsers per chunk, elsewhere once done. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Images for events, places and the rest, straight to storage through signed URLs. Staff or a
 * secret key. Attach a completed upload by putting its `id` in an object's images
 * (`gk.events.update(id, { imageUrls: [upload.id] })`); the object answers its lasting URL.
 */
export class Uploads extends APIResource {
  /** Declares type and exact size; answers where to `PUT` the bytes. */
  create(params: UploadCreateParams, options?: RequestOptions): Promise<CreatedUpload> {
    return this._transport.request("POST", "/v1/uploads", { ...options, body: params });
  }

  retrieve(id: string, options?: RequestOptions): Promise<Upload> {
    return this._transport.request("GET", path`/v1/uploads/${id}`, options);
  }

  /** Has the API check what storage received (size, and the image type by its bytes). */
  complete(id: string, options?: RequestOptions): Promise<Upload> {
    return this._transport.request("POST", path`/v1/uploads/${id}/complete`, options);
  }

  /**
   * The whole flow: `create` → `PUT` the bytes to storage (with progress in browsers) → `complete`.
   * The sending code loads on first use.
   */
  async upload(file: Blob, options: UploadFileOptions = {}): Promise<Upload> {
    const contentType = options.contentType ?? (file.type as UploadCreateParams["contentType"]);
    const started = await this.create({ contentType, size: file.size }, { signal: options.signal });
    await (await import("../upload-put.js")).putFile(started.upload, file, this._transport.fetch, options);
    return this.complete(started.id, { signal: options.signal });
  }
}
