import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.js";
import { Gatherkit, GatherkitError, NotFoundError } from "../src/index.js";

// gk.uploads against the real API in process (its local store answers the signed PUT), then the
// upload attached to an event by id.
const BASE = "http://api.test";
let t: TestApp;
let gk: Gatherkit;

beforeAll(async () => {
  t = await createTestApp();
  gk = new Gatherkit({ baseUrl: BASE, fetch: t.fetch });
  await gk.auth.signUp({ email: "uploads@example.com", password: "correct horse battery", name: "Up", organizationName: "Up" });
});
afterAll(() => t.close());

const png = (size: number) => {
  const b = new Uint8Array(size);
  // A PNG signature and a 1×1 IHDR: the API reads an image's size from its header.
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]);
  return new Blob([b], { type: "image/png" });
};

describe("uploads with the SDK", () => {
  it("upload(): create → PUT the bytes → complete, with progress; then attached to an event by id", async () => {
    const progress: [number, number][] = [];
    const upload = await gk.uploads.upload(png(300), { onProgress: (sent, total) => progress.push([sent, total]) });
    expect(upload).toMatchObject({ status: "uploaded", size: 300, contentType: "image/png", attachedTo: null });
    expect(progress.at(-1)).toEqual([300, 300]);
    expect(await gk.uploads.retrieve(upload.id)).toMatchObject({ status: "uploaded" });

    const event = await gk.events.create({
      title: "With a poster",
      timeZone: "Europe/Lisbon",
      startsAt: "2030-07-02T19:30:00.000Z",
      endsAt: "2030-07-02T22:30:00.000Z",
      currency: "EUR",
      imageUrls: [upload.id],
    });
    expect(event.imageUrls).toEqual([`${BASE}/v1/files/${upload.id}`]);
    expect(await gk.uploads.retrieve(upload.id)).toMatchObject({ attachedTo: event.id, publicUrl: event.imageUrls[0] });
  });

  it("bytes that are not the declared image are refused at complete; a type it does not take, at create", async () => {
    const fake = new Blob([new TextEncoder().encode("<svg onload=alert(1)>".padEnd(40))], { type: "image/png" });
    await expect(gk.uploads.upload(fake)).rejects.toMatchObject({ status: 422, code: "upload_mismatch" });
    await expect(gk.uploads.upload(new Blob(["x"], { type: "text/html" }))).rejects.toBeInstanceOf(GatherkitError);
    await expect(gk.uploads.retrieve("file_0123456789abcdefghjk")).rejects.toBeInstanceOf(NotFoundError);
    await expect(gk.uploads.create({ contentType: "image/png", size: 999_999_999 })).rejects.toBeInstanceOf(GatherkitError);
  });
});
