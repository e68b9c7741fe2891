import { deflateSync } from "node:zlib";
import type { Upload } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../test/harness.js";
import { decoded, jpegFile, pngFile, pngSize, uploadImage } from "../../../test/image-fixtures.js";
import { newPlace } from "../../../test/place-fixtures.js";
import { imageSize, orient } from "./images.js";
import { requireUploaded } from "./index.js";

/**
 * Uploaded images get their intrinsic size read from their header at `complete`, and smaller
 * copies (320, 640, 1280 px wide, never upscaled) for `srcset`, stored beside the original and
 * served by `/v1/files/{id}?w=`. Pixel bombs and undecodable images are refused before anything
 * is stored. (The same on S3-compatible storage: uploads.test.ts.)
 */

describe("image sizes from headers", () => {
  it("reads PNG, JPEG (turned by its EXIF orientation), GIF, WebP and AVIF sizes", () => {
    expect(imageSize(pngFile(7, 5), "image/png")).toEqual({ width: 7, height: 5, orientation: 1 });
    expect(imageSize(jpegFile(40, 24), "image/jpeg")).toEqual({ width: 40, height: 24, orientation: 1 });
    expect(imageSize(jpegFile(40, 24, 6), "image/jpeg")).toEqual({ width: 24, height: 40, orientation: 6 });
    expect(imageSize(jpegFile(40, 24, 3), "image/jpeg")).toEqual({ width: 40, height: 24, orientation: 3 });
    expect(imageSize(new Uint8Array([...new TextEncoder().encode("GIF89a"), 3, 1, 2, 0, 0]), "image/gif")).toMatchObject({
      width: 259,
      height: 2,
    });
    const vp8x = new Uint8Array(30);
    vp8x.set(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8X"));
    vp8x.set([0x3f, 0x01, 0x00, 0xef, 0x00, 0x00], 24); // 320 × 240, stored minus one
    expect(imageSize(vp8x, "image/webp")).toMatchObject({ width: 320, height: 240 });
    const avif = new Uint8Array(40);
    avif.set(new TextEncoder().encode("\0\0\0\x14ispe\0\0\0\0"), 8);
    avif.set([0, 0, 0x07, 0x80, 0, 0, 0x04, 0x38], 20); // 1920 × 1080
    expect(imageSize(avif, "image/avif")).toMatchObject({ width: 1920, height: 1080 });
    // No size: a truncated header, a zero size, a JPEG without a frame.
    expect(imageSize(pngFile(7, 5).subarray(0, 20), "image/png")).toBeNull();
    expect(imageSize(pngFile(0, 5), "image/png")).toBeNull();
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg")).toBeNull();
  });
});

describe("EXIF orientations", () => {
  it("turns and mirrors the stored pixels as each of the eight orientations says", () => {
    // Stored 3 × 2: a b c / d e f (one RGBA pixel each, told apart by red).
    const stored = new Uint8Array([..."abcdef"].flatMap((ch) => [ch.charCodeAt(0), 0, 0, 255]));
    const shown = (o: number) =>
      [...orient(stored, 3, 2, o)]
        .filter((_, i) => i % 4 === 0)
        .map((c) => String.fromCharCode(c))
        .join("");
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(shown)).toEqual([
      "abcdef", // as stored
      "cbafed", // mirrored
      "fedcba", // half a turn
      "defabc", // upside-down mirror
      "adbecf", // transposed (2 × 3: a d / b e / c f)
      "daebfc", // a quarter clockwise (d a / e b / f c)
      "fcebda", // transversed (f c / e b / d a)
      "cfbead", // a quarter anticlockwise (c f / b e / a d)
    ]);
  });
});

describe("image copies for srcset (local store)", () => {
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    t = await createTestApp();
    org = await newOrg(t);
  });
  afterAll(() => t.close());

  /** Which of the file's copies the local store holds. */
  const storedCopies = async (id: string) => {
    const held: number[] = [];
    for (const w of [320, 640, 1280]) if (await t.deps.localFiles!.read(`${org.org.id}/${id}.w${w}`)) held.push(w);
    return held;
  };
  /** `/v1/files/{id}…` (no credential) followed to the bytes, with the headers of both answers. */
  async function follow(path: string, headers: Record<string, string> = {}) {
    const r = await t.fetch(`http://api.test${path}`, { redirect: "manual" });
    expect(r.status).toBe(302);
    expect(r.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const file = await t.fetch(r.headers.get("location")!, { headers });
    return { file, bytes: new Uint8Array(await file.arrayBuffer()) };
  }

  it("a PNG: its size, copies at the widths narrower than it, served by ?w= with its type and an ETag", async () => {
    const { id, res } = await uploadImage(t, org, pngFile(1000, 600), "image/png");
    const up = expectStatus<Upload>(res, 200);
    expect(up).toMatchObject({ status: "uploaded", width: 1000, height: 600 });
    expect(up.variants).toEqual([
      { width: 320, height: 192, url: null },
      { width: 640, height: 384, url: null },
    ]);
    expect(await storedCopies(id)).toEqual([320, 640]);

    // Attached: each copy gets its lasting URL; ?w= serves it.
    await newPlace(t, org, { images: [id] });
    const attached = expectStatus<Upload>(await call(t, "GET", `/v1/uploads/${id}`, { token: org.secretKey }), 200);
    expect(attached.variants.map((v) => v.url)).toEqual([`http://api.test/v1/files/${id}?w=320`, `http://api.test/v1/files/${id}?w=640`]);
    for (const [w, size] of [
      ["320", { width: 320, height: 192 }],
      ["640", { width: 640, height: 384 }],
      // No copy that wide: the original (never upscaled).
      ["1280", { width: 1000, height: 600 }],
    ] as const) {
      const { file, bytes } = await follow(`/v1/files/${id}?w=${w}`);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("image/png");
      expect(pngSize(bytes)).toEqual(size);
      expect(decoded(bytes)).toMatchObject(size);
    }
    const original = await follow(`/v1/files/${id}`);
    expect(pngSize(original.bytes)).toEqual({ width: 1000, height: 600 });

    // ETag: the copy's own; asked again with it, 304 without the bytes.
    const small = await follow(`/v1/files/${id}?w=320`);
    const etag = small.file.headers.get("etag");
    expect(etag).toBe(`"${id}.w320"`);
    expect(original.file.headers.get("etag")).toBe(`"${id}"`);
    const again = await follow(`/v1/files/${id}?w=320`, { "if-none-match": etag! });
    expect(again.file.status).toBe(304);
    expect(again.bytes.length).toBe(0);

    // A width that is not one of the copies' is 400; so is a copy's storage key used as an id.
    expectProblem(await call(t, "GET", `/v1/files/${id}?w=500`), 400, "validation_failed");
    expectProblem(await call(t, "GET", `/v1/files/${id}.w320`), 400, "validation_failed");
  });

  it("a JPEG: copies in JPEG at 320, 640 and 1280, turned upright as its EXIF orientation says", async () => {
    const wide = expectStatus<Upload>((await uploadImage(t, org, jpegFile(1600, 800), "image/jpeg")).res, 200);
    expect(wide).toMatchObject({ width: 1600, height: 800 });
    expect(wide.variants.map((v) => [v.width, v.height])).toEqual([
      [320, 160],
      [640, 320],
      [1280, 640],
    ]);
    // A phone photo stored sideways (orientation 6: turn a quarter clockwise to show it).
    const { id, res } = await uploadImage(t, org, jpegFile(800, 400, 6), "image/jpeg");
    const upright = expectStatus<Upload>(res, 200);
    expect(upright).toMatchObject({ width: 400, height: 800, variants: [{ width: 320, height: 640 }] });
    await newPlace(t, org, { images: [id] });
    const { file, bytes } = await follow(`/v1/files/${id}?w=320`);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    const copy = decoded(bytes);
    expect([copy.width, copy.height]).toEqual([320, 640]);
    // The stored left half (red) is now on top, the right half (blue) below.
    const [top, bottom] = [copy.at(160, 100), copy.at(160, 540)];
    expect(top[0]! > 150 && top[2]! < 100).toBe(true);
    expect(bottom[2]! > 150 && bottom[0]! < 100).toBe(true);
  });

  it("small images and GIFs get no copies; ?w= serves the original", async () => {
    const small = expectStatus<Upload>((await uploadImage(t, org, pngFile(300, 200), "image/png")).res, 200);
    expect(small).toMatchObject({ width: 300, height: 200, variants: [] });
    const gif = new Uint8Array([...new TextEncoder().encode("GIF89a"), 0x20, 0x03, 0x58, 0x02, 0, 0, 0, 0x3b]);
    const { id, res } = await uploadImage(t, org, gif, "image/gif");
    expect(expectStatus<Upload>(res, 200)).toMatchObject({ width: 800, height: 600, variants: [] });
    await newPlace(t, org, { images: [id] });
    const { bytes } = await follow(`/v1/files/${id}?w=320`);
    expect(bytes).toEqual(gif);
  });

  it("refuses a pixel bomb, an undecodable image and one without a size: 422, pending, no copy stored", async () => {
    // 30000 × 30000 (900 million pixels) declared in a 60-byte file.
    const bomb = await uploadImage(t, org, pngFile(30_000, 30_000, new Uint8Array([0x78, 0x9c, 3, 0, 0, 0, 0, 1])), "image/png");
    expectProblem(bomb.res, 422, "image_too_large");
    // A valid header (1000 × 600), pixel data that is not zlib.
    const corrupt = await uploadImage(t, org, pngFile(1000, 600, new Uint8Array(500).fill(7)), "image/png");
    expectProblem(corrupt.res, 422, "image_unreadable");
    // A JPEG cut off after its header.
    const cut = await uploadImage(t, org, jpegFile(1000, 600).subarray(0, 700), "image/jpeg");
    expectProblem(cut.res, 422, "image_unreadable");
    // A zlib bomb: a valid 1000 × 600 header, pixel data that inflates to 100 MB (from ~100 KB).
    const zlibBomb = await uploadImage(
      t,
      org,
      pngFile(1000, 600, deflateSync(new Uint8Array(100 * 1024 * 1024), { level: 9 })),
      "image/png",
    );
    expectProblem(zlibBomb.res, 422, "image_unreadable");
    const sizeless = await uploadImage(t, org, pngFile(0, 0), "image/png");
    expectProblem(sizeless.res, 422, "image_unreadable");

    for (const { id } of [bomb, corrupt, cut, zlibBomb, sizeless]) {
      expect(expectStatus<Upload>(await call(t, "GET", `/v1/uploads/${id}`, { token: org.secretKey }), 200)).toMatchObject({
        status: "pending",
        width: null,
        variants: [],
      });
      await expect(requireUploaded(t.deps, org.org.id, id)).rejects.toMatchObject({ status: 422, code: "upload_not_received" });
      expect(await storedCopies(id)).toEqual([]);
    }
  });

  it("honours UPLOAD_MAX_PIXELS", async () => {
    const strict = await createTestApp({ env: { UPLOAD_MAX_PIXELS: "100000" } });
    try {
      const o = await newOrg(strict);
      expectProblem((await uploadImage(strict, o, pngFile(400, 300), "image/png")).res, 422, "image_too_large");
      expectStatus((await uploadImage(strict, o, pngFile(400, 250), "image/png")).res, 200);
    } finally {
      strict.close();
    }
  });
});
