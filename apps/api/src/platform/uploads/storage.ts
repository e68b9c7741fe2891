import type { UploadContentType } from "@gatherkit/core";
import { AwsClient, AwsV4Signer } from "aws4fetch";
import { LOCAL_FILES_PATH } from "../../lib/create-app.js";
import { ApiError } from "../../lib/errors.js";
import type { Config, Deps, LocalFileStore } from "../../lib/types.js";

/**
 * Where uploaded files live. The client sends the bytes straight there with a signed URL (the
 * API never proxies them, except in the embedded default, whose local store is the API itself);
 * the API then looks at what arrived (`stat`: its size and first bytes) before the file may be
 * attached to anything.
 */
export interface UploadStorage {
  /** A URL the client PUTs exactly `size` bytes of `contentType` to, until `expiresAt` (epoch ms). */
  putUrl(
    key: string,
    contentType: UploadContentType,
    size: number,
    now: number,
    expiresAt: number,
  ): Promise<{ url: string; headers: Record<string, string> }>;
  /** A URL the file can be read at until `expiresAt`. */
  getUrl(key: string, contentType: UploadContentType, now: number, expiresAt: number): Promise<string>;
  /** What is stored under `key`: its size and its first bytes (enough to tell the image type), or null. */
  stat(key: string): Promise<{ size: number; head: Uint8Array } | null>;
  /** The whole file under `key`, or null. */
  read(key: string): Promise<Uint8Array | null>;
  /** Stores a file the API made itself (an image's smaller copy) under `key`. */
  write(key: string, bytes: Uint8Array, contentType: UploadContentType): Promise<void>;
}

/** The configured storage: S3-compatible when `S3_*` are set, else the local store (Node), else none (503). */
export function uploadStorage(deps: Pick<Deps, "config" | "localFiles">, fetchImpl?: typeof fetch): UploadStorage {
  const s3 = deps.config.uploads.s3;
  if (s3) return s3Storage(s3, fetchImpl);
  if (deps.localFiles) return localStorage(deps.localFiles, deps.config);
  throw new ApiError(
    503,
    "uploads_not_configured",
    "No file storage is configured: set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.",
  );
}

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
const HEAD_BYTES = 32;

/** S3, R2 or MinIO through SigV4 presigned URLs (aws4fetch: fetch and WebCrypto, so it runs on Workers too). */
function s3Storage(cfg: NonNullable<Config["uploads"]["s3"]>, fetchImpl: typeof fetch = (i, init) => fetch(i, init)): UploadStorage {
  const objectUrl = (key: string) => `${cfg.endpoint}/${cfg.bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
  const credentials = { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey, service: "s3", region: cfg.region };
  const presign = async (method: "PUT" | "GET", key: string, headers: Record<string, string>, now: number, expiresAt: number) => {
    const url = new URL(objectUrl(key));
    url.searchParams.set("X-Amz-Expires", String(Math.max(1, Math.round((expiresAt - now) / 1000))));
    // allHeaders: content-type and content-length are signed, so storage refuses another type or size.
    const signed = await new AwsV4Signer({
      ...credentials,
      method,
      url: url.toString(),
      headers,
      signQuery: true,
      allHeaders: true,
      datetime: amzDate(now),
    }).sign();
    return signed.url.toString();
  };
  const client = new AwsClient({ ...credentials, retries: 0 });
  return {
    async putUrl(key, contentType, size, now, expiresAt) {
      const headers = { "content-type": contentType, "content-length": String(size) };
      return { url: await presign("PUT", key, headers, now, expiresAt), headers: { "content-type": contentType } };
    },
    getUrl: (key, _type, now, expiresAt) => presign("GET", key, {}, now, expiresAt),
    async stat(key) {
      const req = await client.sign(objectUrl(key), { method: "GET", headers: { range: `bytes=0-${HEAD_BYTES - 1}` } });
      const res = await fetchImpl(req);
      if (res.status === 404) return null;
      if (res.status !== 200 && res.status !== 206) throw new Error(`storage answered ${res.status} to reading ${key}`);
      const head = new Uint8Array(await res.arrayBuffer()).slice(0, HEAD_BYTES);
      const total = /\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1] ?? res.headers.get("content-length");
      return { size: Number(total), head };
    },
    async read(key) {
      const res = await fetchImpl(await client.sign(objectUrl(key), { method: "GET" }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw new Error(`storage answered ${res.status} to reading ${key}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    async write(key, bytes, contentType) {
      const req = await client.sign(objectUrl(key), {
        method: "PUT",
        headers: { "content-type": contentType, "content-length": String(bytes.length) },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      const res = await fetchImpl(req);
      if (!res.ok) throw new Error(`storage answered ${res.status} to writing ${key}`);
    },
  };
}

/** The embedded default: files on disk, written and read through URLs of the API's own that it signs. */
function localStorage(files: LocalFileStore, config: Config): UploadStorage {
  return {
    async putUrl(key, contentType, size, _now, expiresAt) {
      const sig = await signLocal(config.jwtSecret, `PUT\n${key}\n${expiresAt}\n${contentType}\n${size}`);
      return { url: `${config.publicUrl}${LOCAL_FILES_PATH}${key}?exp=${expiresAt}&sig=${sig}`, headers: { "content-type": contentType } };
    },
    async getUrl(key, contentType, _now, expiresAt) {
      const sig = await signLocal(config.jwtSecret, `GET\n${key}\n${expiresAt}\n${contentType}`);
      return `${config.publicUrl}${LOCAL_FILES_PATH}${key}?exp=${expiresAt}&sig=${sig}`;
    },
    async stat(key) {
      const bytes = await files.read(key);
      return bytes ? { size: bytes.length, head: bytes.slice(0, HEAD_BYTES) } : null;
    },
    read: (key) => files.read(key),
    write: (key, bytes) => files.write(key, bytes),
  };
}

/** HMAC-SHA256 (hex) of a local file URL's terms, with a key derived from JWT_SECRET. */
export async function signLocal(jwtSecret: string, terms: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(`gatherkit local files\n${jwtSecret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(terms)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The image type the bytes start with (magic numbers), whatever the file was called. */
export function sniffImage(head: Uint8Array): UploadContentType | null {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, j) => head[i + j] === b);
  const ascii = (i: number, s: string) => at(i, ...[...s].map((c) => c.charCodeAt(0)));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "image/gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "image/webp";
  if (ascii(4, "ftyp") && (ascii(8, "avif") || ascii(8, "avis"))) return "image/avif";
  return null;
}
