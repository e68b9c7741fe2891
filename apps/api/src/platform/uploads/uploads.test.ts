import type { CreatedUpload, Place, Plan, Proposal, TicketedEvent, Upload } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "../../../test/event-fixtures.js";
import { expectProblem, expectStatus, newOrg, type TestOrg } from "../../../test/fixtures.js";
import { call, createTestApp, monotonicNow, type TestApp } from "../../../test/harness.js";
import { decoded, jpegFile, uploadImage } from "../../../test/image-fixtures.js";
import { newPlace, PARKING } from "../../../test/place-fixtures.js";
import { joinPlan, newPlan } from "../../../test/plan-fixtures.js";
import { startS3StandIn } from "../../../test/s3-stand-in.js";
import { requireUploaded } from "./index.js";
import { sniffImage } from "./storage.js";

/**
 * Uploads with both providers: the embedded default's local store (the API's own signed `/_files`
 * URLs, files on disk) and S3-compatible storage, against a stand-in this test starts that
 * checks each presigned PUT's SigV4 signature (recomputed with aws4fetch from what arrived).
 */

/** `size` bytes that start like a 1×1 PNG (signature and IHDR): enough for the checks that read headers only. */
const png = (size: number) => {
  const b = new Uint8Array(size);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (size >= 24) b.set([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1], 8);
  return b;
};
const gif = (size: number) => {
  const b = new Uint8Array(size);
  b.set([...new TextEncoder().encode("GIF89a")]);
  return b;
};

async function put(t: TestApp, url: string, body: Uint8Array, contentType: string) {
  const doFetch = url.startsWith("http://api.test") ? t.fetch : fetch;
  return doFetch(url, { method: "PUT", headers: { "content-type": contentType }, body: body as Uint8Array<ArrayBuffer> });
}

describe("image type by bytes", () => {
  it("tells PNG, JPEG, GIF, WebP and AVIF by magic numbers, and nothing else", () => {
    expect(sniffImage(png(16))).toBe("image/png");
    expect(sniffImage(gif(16))).toBe("image/gif");
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImage(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
    expect(sniffImage(new TextEncoder().encode("\0\0\0\x1cftypavif"))).toBe("image/avif");
    expect(sniffImage(new TextEncoder().encode("<svg onload=alert(1)>"))).toBeNull();
  });
});

describe("uploads to the local store (embedded default)", () => {
  let offset = 0;
  const clock = monotonicNow();
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock() + offset, env: { UPLOAD_MAX_BYTES: "5000" } });
    org = await newOrg(t);
    other = await newOrg(t);
  });
  afterAll(() => t.close());

  const start = async (o: TestOrg, body: unknown) => call(t, "POST", "/v1/uploads", { token: o.secretKey, body });

  it("signed URL → PUT the bytes → complete → read back, for that organization only", async () => {
    const up = expectStatus<CreatedUpload>(await start(org, { contentType: "image/png", size: 1200 }), 201);
    expect(up).toMatchObject({ status: "pending", url: null, upload: { method: "PUT", headers: { "content-type": "image/png" } } });
    expect(up.upload.url).toMatch(new RegExp(`^http://api.test/_files/${org.org.id}/${up.id}\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    // Not attachable yet.
    await expect(requireUploaded(t.deps, org.org.id, up.id)).rejects.toMatchObject({ status: 422, code: "upload_not_received" });
    expectProblem(await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: org.secretKey }), 409, "upload_not_received");

    const bytes = png(1200);
    expect((await put(t, up.upload.url, bytes, "image/png")).status).toBe(200);
    const done = expectStatus<Upload>(await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: org.secretKey }), 200);
    expect(done.status).toBe("uploaded");
    expect(await requireUploaded(t.deps, org.org.id, up.id)).toMatchObject({ id: up.id });
    const read = await t.fetch(done.url!);
    expect(read.status).toBe(200);
    expect(read.headers.get("content-type")).toBe("image/png");
    expect(read.headers.get("content-security-policy")).toContain("sandbox");
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(bytes);
    // The file cannot be replaced once complete.
    expect((await put(t, up.upload.url, gif(1200), "image/png")).status).toBe(409);

    expectProblem(await call(t, "GET", `/v1/uploads/${up.id}`, { token: other.secretKey }), 404, "not_found");
    expectProblem(await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: other.secretKey }), 404, "not_found");
    await expect(requireUploaded(t.deps, other.org.id, up.id)).rejects.toMatchObject({ status: 404 });
    expectProblem(await call(t, "GET", `/v1/uploads/${up.id}`, { token: org.participantToken }), 403, "permission_denied");
  });

  it("refuses other types, sizes beyond the limit, other bytes than declared, and changed or expired links", async () => {
    expectProblem(await start(org, { contentType: "image/svg+xml", size: 100 }), 400, "validation_failed");
    expectProblem(await start(org, { contentType: "text/html", size: 100 }), 400, "validation_failed");
    expectProblem(await start(org, { contentType: "image/png", size: 5001 }), 422, "upload_too_large");
    expectProblem(await start(org, { contentType: "image/png", size: 0 }), 400, "validation_failed");

    const up = expectStatus<CreatedUpload>(await start(org, { contentType: "image/png", size: 100 }), 201);
    const res = async (r: Response) => ({ status: r.status, code: ((await r.json()) as { code: string }).code });
    expect(await res(await put(t, up.upload.url, png(100), "image/gif"))).toEqual({ status: 422, code: "upload_mismatch" });
    expect(await res(await put(t, up.upload.url, png(101), "image/png"))).toEqual({ status: 413, code: "payload_too_large" });
    expect(await res(await put(t, up.upload.url, png(99), "image/png"))).toEqual({ status: 422, code: "upload_mismatch" });
    expect(
      await res(
        await put(
          t,
          up.upload.url.replace(/sig=(.)/, (_m, c) => `sig=${c === "0" ? "1" : "0"}`),
          png(100),
          "image/png",
        ),
      ),
    ).toEqual({
      status: 403,
      code: "upload_link_invalid",
    });
    const longer = up.upload.url.replace(/exp=(\d+)/, (_m, e) => `exp=${Number(e) + 1}`);
    expect(await res(await put(t, longer, png(100), "image/png"))).toEqual({ status: 403, code: "upload_link_invalid" });
    // A GIF declared as PNG gets stored (the size is right) but is refused at completion.
    expect((await put(t, up.upload.url, gif(100), "image/png")).status).toBe(200);
    expectProblem(await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: org.secretKey }), 422, "upload_mismatch");

    const late = expectStatus<CreatedUpload>(await start(org, { contentType: "image/png", size: 10 }), 201);
    offset += 16 * 60_000;
    expect(await res(await put(t, late.upload.url, png(10), "image/png"))).toEqual({ status: 403, code: "upload_expired" });
  });
});

describe("attaching uploads to events and places", () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  beforeAll(async () => {
    t = await createTestApp();
    org = await newOrg(t);
    other = await newOrg(t);
  });
  afterAll(() => t.close());

  /** A completed PNG upload of `o`, and its bytes. */
  async function uploaded(o: TestOrg, size = 64) {
    const up = expectStatus<CreatedUpload>(
      await call(t, "POST", "/v1/uploads", { token: o.secretKey, body: { contentType: "image/png", size } }),
      201,
    );
    const bytes = png(size);
    bytes[size - 1] = size % 251; // tell files apart
    expect((await put(t, up.upload.url, bytes, "image/png")).status).toBe(200);
    expectStatus<Upload>(await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: o.secretKey }), 200);
    return { id: up.id, bytes };
  }
  const lasting = (id: string) => `http://api.test/v1/files/${id}`;
  /** Follows `/v1/files/{id}` (no credential) to the bytes, or answers the status. */
  async function served(url: string): Promise<Uint8Array | number> {
    const r = await t.fetch(url, { redirect: "manual" });
    if (r.status !== 302) return r.status;
    expect(r.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const file = await t.fetch(r.headers.get("location")!);
    expect(file.status).toBe(200);
    return new Uint8Array(await file.arrayBuffer());
  }
  const upload = async (id: string) => expectStatus<Upload>(await call(t, "GET", `/v1/uploads/${id}`, { token: org.secretKey }), 200);

  it("an event's images: attached by id, answered as lasting URLs that serve the file, replaced and detached", async () => {
    const a = await uploaded(org, 64);
    const b = await uploaded(org, 65);
    const event = await newEvent(t, org, { imageUrls: [a.id, "https://images.example.com/poster.jpg"], publish: false });
    expect(event.imageUrls).toEqual([lasting(a.id), "https://images.example.com/poster.jpg"]);
    expect(await served(event.imageUrls[0]!)).toEqual(a.bytes);
    expect(await upload(a.id)).toMatchObject({ attachedTo: event.id, publicUrl: lasting(a.id) });
    // Read back, as anyone sees it.
    const read = expectStatus<TicketedEvent>(await call(t, "GET", `/v1/events/${event.id}`, { token: org.secretKey }), 200);
    expect(read.imageUrls[0]).toBe(lasting(a.id));

    // Replace: sending back the lasting URL keeps a, the new id attaches b; then drop a.
    const both = expectStatus<TicketedEvent>(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: org.secretKey, body: { imageUrls: [read.imageUrls[0], b.id] } }),
      200,
    );
    expect(both.imageUrls).toEqual([lasting(a.id), lasting(b.id)]);
    const onlyB = expectStatus<TicketedEvent>(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: org.secretKey, body: { imageUrls: [b.id] } }),
      200,
    );
    expect(onlyB.imageUrls).toEqual([lasting(b.id)]);
    expect(await upload(a.id)).toMatchObject({ attachedTo: null, publicUrl: null });
    expect(await served(lasting(a.id))).toBe(404);
    expect(await served(lasting(b.id))).toEqual(b.bytes);
    // An edit refused after the images were claimed (end before start) releases what it claimed.
    const c = await uploaded(org, 66);
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}`, {
        token: org.secretKey,
        body: { imageUrls: [b.id, c.id], endsAt: "2030-07-01T00:00:00.000Z" },
      }),
      400,
      "validation_failed",
    );
    expect(await upload(c.id)).toMatchObject({ attachedTo: null });
    expect(await upload(b.id)).toMatchObject({ attachedTo: event.id });
    // An edit that leaves the images alone keeps them attached.
    expectStatus(await call(t, "PATCH", `/v1/events/${event.id}`, { token: org.secretKey, body: { title: "Renamed" } }), 200);
    expect(await upload(b.id)).toMatchObject({ attachedTo: event.id });
    // Detached from the event, a file can go to another object.
    expectStatus(await call(t, "PATCH", `/v1/events/${event.id}`, { token: org.secretKey, body: { imageUrls: [] } }), 200);
    expect(await served(lasting(b.id))).toBe(404);
    const place = await newPlace(t, org, { images: [b.id] });
    expect(place.images).toEqual([lasting(b.id)]);
    expect(await upload(b.id)).toMatchObject({ attachedTo: place.id });
  });

  it("a plan's cover and a proposal's images: attached by those who may edit them, in their organization only, within limits", async () => {
    const a = await uploaded(org, 70);
    const b = await uploaded(org, 71);
    const plan = await newPlan(t, org, { type: "event", imageUrls: [a.id] });
    expect(plan.imageUrls).toEqual([lasting(a.id)]);
    expect(await served(plan.imageUrls[0]!)).toEqual(a.bytes);
    expect(await upload(a.id)).toMatchObject({ attachedTo: plan.id });
    // A new cover: b attached, a detached (no longer served).
    const recovered = expectStatus<Plan>(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: org.secretKey, body: { imageUrls: [b.id] } }),
      200,
    );
    expect(recovered.imageUrls).toEqual([lasting(b.id)]);
    expect(await upload(a.id)).toMatchObject({ attachedTo: null });
    expect(await served(lasting(a.id))).toBe(404);
    // Another edit keeps the images; another organization cannot touch the plan.
    expectStatus(await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: org.secretKey, body: { title: "Renamed" } }), 200);
    expect(await upload(b.id)).toMatchObject({ attachedTo: plan.id });
    const theirs = await uploaded(other, 72);
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, { token: other.secretKey, body: { imageUrls: [theirs.id] } }),
      404,
      "not_found",
    );
    expect(await upload(b.id)).toMatchObject({ attachedTo: plan.id });

    // Proposals: an organizer attaches; another organization's upload, or one showing the plan, is refused.
    const c = await uploaded(org, 73);
    const path = `/v1/plans/${plan.id}/proposals`;
    expectProblem(
      await call(t, "POST", path, { token: org.secretKey, body: { title: "Theirs", imageUrls: [theirs.id] } }),
      404,
      "not_found",
    );
    expectProblem(
      await call(t, "POST", path, { token: org.secretKey, body: { title: "Cover again", imageUrls: [b.id] } }),
      409,
      "upload_attached_elsewhere",
    );
    const proposal = expectStatus<Proposal>(
      await call(t, "POST", path, {
        token: org.secretKey,
        body: { title: "Boat trip", imageUrls: [c.id, "https://images.example.com/boat.jpg"] },
      }),
      201,
    );
    expect(proposal.imageUrls).toEqual([lasting(c.id), "https://images.example.com/boat.jpg"]);
    expect(await upload(c.id)).toMatchObject({ attachedTo: proposal.id });
    const listed = expectStatus<{ data: Proposal[] }>(await call(t, "GET", path, { token: org.secretKey }), 200);
    expect(listed.data.find((p) => p.id === proposal.id)?.imageUrls).toEqual(proposal.imageUrls);
    // The room hears the images with the proposal.
    const told = t.published.filter((m) => m.room === `plan:${plan.id}` && JSON.stringify(m.event).includes(proposal.id));
    expect(JSON.stringify(told.at(-1)?.event ?? null)).toContain(lasting(c.id));

    // A participant of an organizer-driven plan may neither propose nor edit an organizer's proposal: nothing is attached.
    const guest = await joinPlan(t, org, plan, "Ada");
    const d = await uploaded(org, 74);
    expectProblem(
      await call(t, "POST", path, { token: guest.token, body: { title: "Mine", imageUrls: [d.id] } }),
      403,
      "organizer_required",
    );
    expectProblem(
      await call(t, "PATCH", `${path}/${proposal.id}`, { token: guest.token, body: { imageUrls: [d.id] } }),
      403,
      "permission_denied",
    );
    expect(await upload(d.id)).toMatchObject({ attachedTo: null });
    expect(await upload(c.id)).toMatchObject({ attachedTo: proposal.id });
    // Limits: at most 6 images on a proposal, 10 on a plan.
    expectProblem(
      await call(t, "PATCH", `${path}/${proposal.id}`, {
        token: org.secretKey,
        body: { imageUrls: Array(7).fill("https://images.example.com/x.jpg") },
      }),
      400,
      "validation_failed",
    );
    expectProblem(
      await call(t, "PATCH", `/v1/plans/${plan.id}`, {
        token: org.secretKey,
        body: { imageUrls: Array(11).fill("https://images.example.com/x.jpg") },
      }),
      400,
      "validation_failed",
    );
    // The organizer swaps the proposal's image: c detached, d attached.
    const swapped = expectStatus<Proposal>(
      await call(t, "PATCH", `${path}/${proposal.id}`, { token: org.secretKey, body: { imageUrls: [d.id] } }),
      200,
    );
    expect(swapped.imageUrls).toEqual([lasting(d.id)]);
    expect(await upload(c.id)).toMatchObject({ attachedTo: null });
    expect(await upload(d.id)).toMatchObject({ attachedTo: proposal.id });
  });

  it("a place's images: refuses another organization's, a pending one, one showing another object, an unknown id", async () => {
    const mine = await uploaded(org);
    const theirs = await uploaded(other);
    expectProblem(
      await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, images: [theirs.id] } }),
      404,
      "not_found",
    );
    // Its lasting URL copied from the other organization's answers is refused the same way.
    expectProblem(
      await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, images: [lasting(theirs.id)] } }),
      404,
      "not_found",
    );
    const pending = expectStatus<CreatedUpload>(
      await call(t, "POST", "/v1/uploads", { token: org.secretKey, body: { contentType: "image/png", size: 10 } }),
      201,
    );
    expectProblem(
      await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, images: [pending.id] } }),
      422,
      "upload_not_received",
    );
    expectProblem(
      await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, images: ["file_0123456789abcdefghjk"] } }),
      404,
      "not_found",
    );
    expectProblem(
      await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, images: ["ftp://x/y.png"] } }),
      400,
      "validation_failed",
    );
    // Nothing was attached by the refused requests.
    expect(await upload(mine.id)).toMatchObject({ attachedTo: null });

    const place = await newPlace(t, org, { images: [mine.id] });
    expect(await upload(mine.id)).toMatchObject({ attachedTo: place.id });
    expectProblem(
      await call(t, "POST", "/v1/places", { token: org.secretKey, body: { ...PARKING, images: [mine.id] } }),
      409,
      "upload_attached_elsewhere",
    );
    const event = await newEvent(t, org, { publish: false });
    expectProblem(
      await call(t, "PATCH", `/v1/events/${event.id}`, { token: org.secretKey, body: { imageUrls: [mine.id] } }),
      409,
      "upload_attached_elsewhere",
    );
    // A place edit that fails after the images were checked attaches nothing new.
    const fresh = await uploaded(org, 70);
    expectProblem(
      await call(t, "PATCH", `/v1/places/${place.id}`, {
        token: org.secretKey,
        body: { images: [mine.id, fresh.id], pricing: { mode: "slot", currency: "EUR", perSlot: 100 } },
      }),
      400,
      "validation_failed",
    );
    expect(await upload(fresh.id)).toMatchObject({ attachedTo: null });
    const replaced = expectStatus<Place>(
      await call(t, "PATCH", `/v1/places/${place.id}`, { token: org.secretKey, body: { images: [fresh.id] } }),
      200,
    );
    expect(replaced.images).toEqual([lasting(fresh.id)]);
    expect(await upload(mine.id)).toMatchObject({ attachedTo: null });
    expect(await served(lasting(fresh.id))).toEqual(fresh.bytes);
    // Another organization's staff cannot read the upload record, but the public image URL works for anyone.
    expectProblem(await call(t, "GET", `/v1/uploads/${fresh.id}`, { token: other.secretKey }), 404, "not_found");
    expect(await served(lasting(pending.id))).toBe(404);
    expect(await served("http://api.test/v1/files/not-an-id")).toBe(400);
  });
});

describe("uploads to S3-compatible storage (presigned URLs)", () => {
  const creds = { accessKeyId: "AKIDSTANDIN", secretAccessKey: "standin-secret-0123456789", region: "auto" };
  let s3: Awaited<ReturnType<typeof startS3StandIn>>;
  let t: TestApp;
  let org: TestOrg;
  beforeAll(async () => {
    s3 = await startS3StandIn(creds);
    t = await createTestApp({
      env: { S3_ENDPOINT: s3.url, S3_BUCKET: "gk", S3_ACCESS_KEY_ID: creds.accessKeyId, S3_SECRET_ACCESS_KEY: creds.secretAccessKey },
    });
    org = await newOrg(t);
  });
  afterAll(async () => {
    t.close();
    await s3.close();
  });

  it("the client PUTs straight to storage with the signed type and size; the API checks the bytes there", async () => {
    const up = expectStatus<CreatedUpload>(
      await call(t, "POST", "/v1/uploads", { token: org.secretKey, body: { contentType: "image/png", size: 300 } }),
      201,
    );
    expect(up.upload.url.startsWith(`${s3.url}/gk/${org.org.id}/${up.id}?`)).toBe(true);
    expect(new URL(up.upload.url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    // Another type or size than signed: storage refuses it.
    expect((await put(t, up.upload.url, png(300), "image/jpeg")).status).toBe(403);
    expect((await put(t, up.upload.url, png(301), "image/png")).status).toBe(403);
    expect(s3.objects.size).toBe(0);
    expect((await put(t, up.upload.url, png(300), "image/png")).status).toBe(200);
    const done = expectStatus<Upload>(await call(t, "POST", `/v1/uploads/${up.id}/complete`, { token: org.secretKey }), 200);
    expect(done.status).toBe("uploaded");
    expect(new URL(done.url!).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const read = await fetch(done.url!);
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(png(300));

    // Bytes of another type under the declared one: refused at completion.
    const fake = expectStatus<CreatedUpload>(
      await call(t, "POST", "/v1/uploads", { token: org.secretKey, body: { contentType: "image/png", size: 50 } }),
      201,
    );
    expect((await put(t, fake.upload.url, gif(50), "image/png")).status).toBe(200);
    expectProblem(await call(t, "POST", `/v1/uploads/${fake.id}/complete`, { token: org.secretKey }), 422, "upload_mismatch");
  });

  it("a real JPEG: its copies are made and stored beside it in the bucket, and served by ?w=", async () => {
    const { id, res } = await uploadImage(t, org, jpegFile(1400, 700), "image/jpeg");
    expect(expectStatus<Upload>(res, 200)).toMatchObject({ width: 1400, height: 700 });
    const key = `/gk/${org.org.id}/${id}`;
    for (const [w, h] of [
      [320, 160],
      [640, 320],
      [1280, 640],
    ] as const) {
      const copy = s3.objects.get(`${key}.w${w}`);
      expect(copy?.type).toBe("image/jpeg");
      expect(decoded(new Uint8Array(copy!.body))).toMatchObject({ width: w, height: h });
    }
    expect(s3.refused).not.toContain(`${key}.w320`);
    await newPlace(t, org, { images: [id] });
    const r = await t.fetch(`http://api.test/v1/files/${id}?w=640`, { redirect: "manual" });
    expect(r.status).toBe(302);
    const served = await fetch(r.headers.get("location")!);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(decoded(new Uint8Array(await served.arrayBuffer()))).toMatchObject({ width: 640, height: 320 });

    // Undecodable: refused, nothing stored beside it.
    const cut = await uploadImage(t, org, jpegFile(1400, 700).subarray(0, 900), "image/jpeg");
    expectProblem(cut.res, 422, "image_unreadable");
    expect([...s3.objects.keys()].filter((k) => k.startsWith(`/gk/${org.org.id}/${cut.id}.`))).toEqual([]);
  });
});
