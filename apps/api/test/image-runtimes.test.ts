import { Gatherkit } from "@gatherkit/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { decoded, jpegFile, pngFile, pngSize } from "./image-fixtures.js";
import { type RunningApi, startBuiltApi, startWorkerApi } from "./runtimes.js";
import { startS3StandIn } from "./s3-stand-in.js";

/**
 * Image copies where Photon's WebAssembly is loaded differently: the built bundle (`node
 * dist/node.js`, Photon's Node entry) and the Worker under `wrangler dev` (its workerd entry, the
 * `.wasm` uploaded beside the script), both against the S3 stand-in (a Worker has no local store).
 * In-process Node runs the rest (platform/uploads/*.test.ts).
 */
const runtimes = [
  { name: "node (built dist/node.js)", start: startBuiltApi },
  { name: "workers (wrangler dev, D1)", start: startWorkerApi },
] as const;
const creds = { accessKeyId: "AKIDSTANDIN", secretAccessKey: "standin-secret-0123456789", region: "auto" };

describe.each(runtimes)("image copies on $name", ({ name, start }) => {
  let api: RunningApi;
  let s3: Awaited<ReturnType<typeof startS3StandIn>>;
  beforeAll(async () => {
    s3 = await startS3StandIn(creds);
    api = await start({
      S3_ENDPOINT: s3.url,
      S3_BUCKET: "gk",
      S3_ACCESS_KEY_ID: creds.accessKeyId,
      S3_SECRET_ACCESS_KEY: creds.secretAccessKey,
    });
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await s3?.close();
  });
  beforeEach(() => onTestFailed(() => console.error(`${name} output:\n${api.output().slice(-8000)}`)));

  it("completes a JPEG and a PNG with their copies stored beside them; an undecodable one is 422 and the next still works", async () => {
    const organizer = new Gatherkit({ baseUrl: api.baseUrl, maxRetries: 0 });
    await organizer.auth.signUp({
      email: `img-${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "correct horse battery staple",
      name: "Ines",
      organizationName: "Images",
    });
    const jpeg = await organizer.uploads.upload(new Blob([jpegFile(1400, 700) as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }));
    expect(jpeg).toMatchObject({ status: "uploaded", width: 1400, height: 700 });
    expect(jpeg.variants.map((v) => [v.width, v.height])).toEqual([
      [320, 160],
      [640, 320],
      [1280, 640],
    ]);
    const key = (id: string, w: number) => [...s3.objects.keys()].find((k) => k.endsWith(`/${id}.w${w}`));
    expect(decoded(new Uint8Array(s3.objects.get(key(jpeg.id, 640)!)!.body))).toMatchObject({ width: 640, height: 320 });

    // Photon panics on these bytes (a trap in WebAssembly): 422, and the module still serves the next image.
    const cut = organizer.uploads.upload(
      new Blob([jpegFile(1400, 700).subarray(0, 900) as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }),
    );
    await expect(cut).rejects.toMatchObject({ status: 422, code: "image_unreadable" });

    const png = await organizer.uploads.upload(new Blob([pngFile(700, 500) as Uint8Array<ArrayBuffer>], { type: "image/png" }));
    expect(png).toMatchObject({ width: 700, height: 500 });
    expect(png.variants.map((v) => v.width)).toEqual([320, 640]);
    expect(pngSize(new Uint8Array(s3.objects.get(key(png.id, 320)!)!.body))).toEqual({ width: 320, height: 229 });
  }, 120_000);
});
