import { IMAGE_VARIANT_WIDTHS, type UploadContentType } from "@gatherkit/core";
import { ApiError } from "../../lib/errors.js";

/**
 * What an uploaded image is: its intrinsic size, read from its header without decoding it (so a
 * pixel bomb is refused before any pixel is allocated), and the smaller copies made of it for
 * `srcset`. Resizing runs Photon (Rust compiled to WebAssembly, `@cf-wasm/photon`), the same
 * code on Node and on Workers, loaded on first use only.
 */

export interface ImageSize {
  width: number;
  height: number;
  /** JPEG EXIF orientation (1–8; 1 when absent): 5–8 show the image turned a quarter. */
  orientation: number;
}

export interface Variant {
  width: number;
  height: number;
  bytes: Uint8Array;
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const ascii = (b: Uint8Array, i: number, s: string) => [...s].every((c, j) => b[i + j] === c.charCodeAt(0));

/** The EXIF orientation in a JPEG APP1 segment (`segment` starts after the length), or 1. */
function exifOrientation(b: Uint8Array, start: number, end: number): number {
  if (!ascii(b, start, "Exif\0\0")) return 1;
  const tiff = start + 6;
  const le = ascii(b, tiff, "II");
  const u16 = (i: number) => (le ? u16le(b, i) : u16be(b, i));
  const u32 = (i: number) => (le ? (u16le(b, i) | (u16le(b, i + 2) << 16)) >>> 0 : u32be(b, i));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > end) break;
    if (u16(entry) === 0x0112) {
      const v = u16(entry + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/** The intrinsic size the header of `b` (an image of type `type`) declares, or null when it cannot be read. */
export function imageSize(b: Uint8Array, type: UploadContentType): ImageSize | null {
  const sized = (width: number, height: number, orientation = 1) => (width > 0 && height > 0 ? { width, height, orientation } : null);
  switch (type) {
    case "image/png":
      return b.length >= 24 && ascii(b, 12, "IHDR") ? sized(u32be(b, 16), u32be(b, 20)) : null;
    case "image/gif":
      return b.length >= 10 ? sized(u16le(b, 6), u16le(b, 8)) : null;
    case "image/webp":
      if (b.length < 30) return null;
      if (ascii(b, 12, "VP8 ")) return sized(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
      if (ascii(b, 12, "VP8L") && b[20] === 0x2f) {
        const [b0, b1, b2, b3] = [b[21]!, b[22]!, b[23]!, b[24]!];
        return sized(1 + (((b1 & 0x3f) << 8) | b0), 1 + (((b3 & 0xf) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)));
      }
      if (ascii(b, 12, "VP8X")) return sized(1 + u24le(b, 24), 1 + u24le(b, 27));
      return null;
    case "image/avif": {
      // The first `ispe` (image spatial extents) property: version/flags, then width and height.
      for (let i = 4; i + 16 <= b.length && i < 64 * 1024; i++) {
        if (ascii(b, i, "ispe")) return sized(u32be(b, i + 8), u32be(b, i + 12));
      }
      return null;
    }
    case "image/jpeg": {
      let orientation = 1;
      let i = 2;
      while (i + 4 <= b.length) {
        if (b[i] !== 0xff) return null;
        const marker = b[i + 1]!;
        if (marker === 0xff) {
          i++;
          continue;
        }
        if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          i += 2;
          continue;
        }
        const len = u16be(b, i + 2);
        if (len < 2) return null;
        if (marker === 0xe1) orientation = exifOrientation(b, i + 4, Math.min(b.length, i + 2 + len));
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          if (i + 9 > b.length) return null;
          const [h, w] = [u16be(b, i + 5), u16be(b, i + 7)];
          return orientation >= 5 ? sized(h, w, orientation) : sized(w, h, orientation);
        }
        if (marker === 0xda || marker === 0xd9) return null;
        i += 2 + len;
      }
      return null;
    }
  }
}

/**
 * Checks an uploaded image before anything is made of it: its header must give a size (else 422
 * `image_unreadable`) of at most `maxPixels` pixels (else 422 `image_too_large`).
 */
export function checkImage(bytes: Uint8Array, type: UploadContentType, maxPixels: number): ImageSize {
  const size = imageSize(bytes, type);
  if (!size) throw new ApiError(422, "image_unreadable", `The file is not a readable ${type}: its header gives no image size.`);
  if (size.width * size.height > maxPixels) {
    throw new ApiError(
      422,
      "image_too_large",
      `The image is ${size.width}×${size.height} pixels; at most ${maxPixels} pixels are accepted.`,
    );
  }
  return size;
}

/** A copy's height: the original's aspect ratio at width `w`. */
export const variantHeight = (width: number, height: number, w: number) => Math.max(1, Math.round((height * w) / width));

/** The widths the copies of an image `width` pixels wide are made at: those narrower than it. */
export const variantWidthsFor = (type: UploadContentType, width: number): number[] =>
  type === "image/png" || type === "image/jpeg" ? IMAGE_VARIANT_WIDTHS.filter((w) => w < width) : [];

type Photon = typeof import("@cf-wasm/photon");
let photon: Promise<Photon> | undefined;
const loadPhoton = () => {
  photon ??= import("@cf-wasm/photon");
  return photon;
};

/**
 * The smaller copies of a PNG or JPEG (same format; a JPEG turned upright as its EXIF orientation
 * says, as browsers show the original), at `variantWidthsFor` its width; none for other types or
 * small images. Bytes that do not decode to the size their header declared: 422 `image_unreadable`.
 */
export async function makeVariants(bytes: Uint8Array, type: UploadContentType, size: ImageSize): Promise<Variant[]> {
  const widths = variantWidthsFor(type, size.width);
  if (widths.length === 0) return [];
  const unreadable = () => new ApiError(422, "image_unreadable", `The file is not a readable ${type}: its pixels do not decode.`);
  if (type === "image/png" && !(await pngInflatesWithin(bytes, size))) throw unreadable();
  const p = await loadPhoton();
  let img: InstanceType<Photon["PhotonImage"]>;
  try {
    img = p.PhotonImage.new_from_byteslice(bytes);
  } catch {
    throw unreadable();
  }
  try {
    // Decoded as stored: turned a quarter when the EXIF orientation is 5–8.
    const quarter = size.orientation >= 5;
    const [storedW, storedH] = quarter ? [size.height, size.width] : [size.width, size.height];
    if (img.get_width() !== storedW || img.get_height() !== storedH) throw unreadable();
    // Widest first, each copy from the one before (a 12 MP JPEG: ~2.2 s instead of ~4.4 s here).
    const made: Variant[] = [];
    let from = img;
    try {
      for (const width of [...widths].reverse()) {
        const height = variantHeight(size.width, size.height, width);
        // Resized as stored, then turned upright (cheap at the copy's size).
        const small = p.resize(from, quarter ? height : width, quarter ? width : height, p.SamplingFilter.Triangle);
        if (from !== img) from.free();
        from = small;
        const out =
          size.orientation === 1
            ? small
            : new p.PhotonImage(orient(small.get_raw_pixels(), small.get_width(), small.get_height(), size.orientation), width, height);
        try {
          made.unshift({ width, height, bytes: type === "image/jpeg" ? out.get_bytes_jpeg(82) : out.get_bytes() });
        } finally {
          if (out !== small) out.free();
        }
      }
    } finally {
      if (from !== img) from.free();
    }
    return made;
  } finally {
    img.free();
  }
}

/**
 * Whether a PNG's compressed pixel data (its IDAT chunks) inflates to no more than its declared
 * size needs (rows of `1 + width × bytes per pixel`, twice that for interlacing's slack): a
 * "zlib bomb" padded with highly compressed extra data is stopped here, after inflating at most
 * that much, instead of costing the decoder seconds of CPU.
 */
async function pngInflatesWithin(b: Uint8Array, size: ImageSize): Promise<boolean> {
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[b[25]!] ?? 4;
  const bitsPerPixel = channels * (b[24] || 8);
  const limit = 2 * size.height * (1 + Math.ceil((size.width * bitsPerPixel) / 8)) + 1024;
  const parts: Uint8Array[] = [];
  for (let i = 8; i + 8 <= b.length; ) {
    const len = u32be(b, i);
    if (ascii(b, i + 4, "IDAT")) parts.push(b.subarray(i + 8, Math.min(b.length, i + 8 + len)));
    if (ascii(b, i + 4, "IEND")) break;
    i += 12 + len;
  }
  const stream = new Blob(parts as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new DecompressionStream("deflate"));
  const reader = stream.getReader();
  let inflated = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      inflated += value.length;
      if (inflated > limit) {
        await reader.cancel().catch(() => {});
        return false;
      }
    }
  } catch {
    // Not a whole zlib stream: the decoder tells (it may still hold every row).
    return inflated <= limit;
  }
}

/**
 * RGBA pixels `w`×`h` as stored, shown as EXIF orientation `o` says (2 mirrored, 3 half a turn,
 * 4 upside-down mirror, 5 transposed, 6 a quarter clockwise, 7 transversed, 8 a quarter
 * anticlockwise). Done here: Photon's `rotate` blends colours.
 */
export function orient(src: Uint8Array, w: number, h: number, o: number): Uint8Array {
  const quarter = o >= 5;
  const [outW, outH] = quarter ? [h, w] : [w, h];
  const out = new Uint8Array(src.length);
  const from: (x: number, y: number) => number =
    {
      1: (x: number, y: number) => y * w + x,
      2: (x: number, y: number) => y * w + (w - 1 - x),
      3: (x: number, y: number) => (h - 1 - y) * w + (w - 1 - x),
      4: (x: number, y: number) => (h - 1 - y) * w + x,
      5: (x: number, y: number) => x * w + y,
      6: (x: number, y: number) => (h - 1 - x) * w + y,
      7: (x: number, y: number) => (h - 1 - x) * w + (w - 1 - y),
      8: (x: number, y: number) => x * w + (w - 1 - y),
    }[o] ?? ((x: number, y: number) => y * w + x);
  const src32 = new Uint32Array(src.slice().buffer);
  const out32 = new Uint32Array(out.buffer);
  for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) out32[y * outW + x] = src32[from(x, y)]!;
  return out;
}
