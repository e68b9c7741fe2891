import { crc32, deflateSync } from "node:zlib";
import { PhotonImage } from "@cf-wasm/photon";
import type { CreatedUpload, Upload } from "@gatherkit/core";
import { expect } from "vitest";
import { expectStatus, type TestOrg } from "./fixtures.js";
import { call, type TestApp } from "./harness.js";

/**
 * Real images for upload tests. PNGs are written here byte by byte (node:zlib), independently of
 * the API's image code; JPEGs are encoded with Photon from the same pixels.
 */

/** RGBA pixels `width`×`height`: the left half red, the right half blue (so a turn can be seen). */
export function pixels(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      rgba.set(x < width / 2 ? [220, 30, 30, 255] : [30, 30, 220, 255], (y * width + x) * 4);
    }
  }
  return rgba;
}

const chunk = (type: string, data: Uint8Array) => {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
};
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A PNG (8-bit RGBA) whose header says `width`×`height`; `idat` replaces its pixel data (to corrupt it). */
export function pngFile(width: number, height: number, idat?: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  let data = idat;
  if (!data) {
    const rgba = pixels(width, height);
    const raw = new Uint8Array(height * (1 + width * 4));
    for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
    data = deflateSync(raw);
  }
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", data),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** A JPEG `width`×`height` (the pixels above), with an EXIF orientation when given. */
export function jpegFile(width: number, height: number, orientation?: number): Uint8Array {
  const img = new PhotonImage(pixels(width, height), width, height);
  const jpeg = img.get_bytes_jpeg(90);
  img.free();
  if (!orientation) return jpeg;
  // APP1 "Exif\0\0", big-endian TIFF, one IFD entry: Orientation (0x0112), SHORT, 1, value.
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
  const body = [...new TextEncoder().encode("Exif\0\0"), ...tiff];
  const app1 = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  return concat([jpeg.subarray(0, 2), new Uint8Array(app1), jpeg.subarray(2)]);
}

/** The size a PNG's IHDR gives (read here, not by the API's code). */
export const pngSize = (b: Uint8Array) => {
  const v = new DataView(b.buffer, b.byteOffset);
  return { width: v.getUint32(16), height: v.getUint32(20) };
};

/** What an image decodes to (Photon): its size and the RGBA of a pixel. */
export function decoded(b: Uint8Array) {
  const img = PhotonImage.new_from_byteslice(b);
  const [width, height, raw] = [img.get_width(), img.get_height(), img.get_raw_pixels()];
  img.free();
  return { width, height, at: (x: number, y: number) => [...raw.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)] };
}

/** Starts an upload of `bytes` for `o`, PUTs them, and answers `complete`'s response. */
export async function uploadImage(t: TestApp, o: TestOrg, bytes: Uint8Array, contentType: Upload["contentType"]) {
  const up = expectStatus<CreatedUpload>(
    await call(t, "POST", "/v1/uploads", { token: o.secretKey, body: { contentType, size: bytes.length } }),
    201,
  );
  const doFetch = up.upload.url.startsWith("http://api.test") ? t.fetch : fetch;
  const put = await doFetch(up.upload.url, {
    method: "PUT",
    headers: { "content-type": contentType },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  expect(put.status).toBe(200);
  return { id: up.id, res: await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: o.secretKey }) };
}
