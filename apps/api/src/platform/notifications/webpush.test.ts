import { createDecipheriv, createECDH, hkdfSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { newId } from "@gatherkit/core";
import { applyMigrations, type Db, notificationDeliveries, organizations, outbox, pushSubscriptions } from "@gatherkit/db";
import { createLibsqlDb, type LibsqlHandle } from "@gatherkit/db/libsql";
import { eq } from "drizzle-orm";
import { importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Received, startStandIn } from "../../../test/provider-standins.js";
import { silentLogger } from "../../lib/logger.js";
import { deliverOutbox, enqueue, PARKED, push } from "../../lib/outbox.js";
import { notificationsFromEnv } from "./config.js";
import { b64url, generateVapidKeys, type VapidKeys } from "./webpush.js";

let dir: string;
let handle: LibsqlHandle;
let db: Db;
const ORG = "org_pushtest000001";
const now = Date.UTC(2026, 11, 6, 12);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gk-push-"));
  handle = createLibsqlDb({ url: pathToFileURL(join(dir, "p.db")).href });
  await applyMigrations(handle.migrations);
  db = handle.db;
  await db.insert(organizations).values({ id: ORG, name: "Push", createdAt: now });
});
afterAll(() => {
  handle.client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A browser's side of a subscription: its P-256 key pair and auth secret (node:crypto, independent of the sender's WebCrypto). */
function browser() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return { ecdh, p256dh: b64url.encode(ecdh.getPublicKey()), auth: b64url.encode(auth), authBytes: auth };
}

/** RFC 8291 decryption as a browser does it, with node:crypto. */
function decrypt(b: ReturnType<typeof browser>, body: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const sealed = body.subarray(21 + idlen);
  const ecdhSecret = b.ecdh.computeSecret(asPublic);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), b.ecdh.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", ecdhSecret, b.authBytes, info, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  expect(plain[plain.length - 1]).toBe(2);
  return plain.subarray(0, plain.length - 1).toString("utf8");
}

async function verifyVapid(keys: VapidKeys, req: Received, origin: string) {
  const m = /^vapid t=([^,]+), k=(.+)$/.exec(String(req.headers.authorization));
  expect(m?.[2]).toBe(keys.publicKey);
  const pub = b64url.decode(keys.publicKey);
  const key = await importJWK({ kty: "EC", crv: "P-256", x: b64url.encode(pub.slice(1, 33)), y: b64url.encode(pub.slice(33)) }, "ES256");
  const { payload } = await jwtVerify(m![1]!, key, { audience: origin, currentDate: new Date(now) });
  expect(payload.sub).toBe(keys.subject);
}

describe("web push (RFC 8291 + 8292 with WebCrypto) against a stand-in push service", () => {
  it("sends an encrypted message a browser can decrypt, signed with VAPID for the service's origin; a 410 deletes the subscription", async () => {
    const keys = await generateVapidKeys("mailto:ops@example.test");
    const bodies: { path: string; req: Received }[] = [];
    const service = await startStandIn((req) => {
      if (req.path.startsWith("/gone/")) return { status: 410 };
      bodies.push({ path: req.path, req });
      return { status: 201, headers: { location: `/m/${bodies.length}` } };
    });
    // The stand-in reads bodies as text; the raw encrypted bytes are taken from the sender's fetch.
    const raw: Buffer[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      raw.push(Buffer.from(init?.body as Uint8Array));
      return fetch(input, init);
    };
    try {
      const sender = notificationsFromEnv(
        {
          VAPID_PUBLIC_KEY: keys.publicKey,
          VAPID_PRIVATE_KEY: keys.privateKey,
          VAPID_SUBJECT: keys.subject,
          PUSH_SERVICE_ORIGINS: service.url,
        },
        { db, now: () => now, fetch: recordingFetch },
      );
      expect(sender.webPush?.publicKey).toBe(keys.publicKey);
      expect(sender.webPush?.allowsEndpoint(`${service.url}/push/abc`)).toBe(true);
      expect(sender.webPush?.allowsEndpoint("http://169.254.169.254/latest")).toBe(false);
      const alive = browser();
      const gone = browser();
      const subs = [
        { id: newId("pushSubscription"), endpoint: `${service.url}/push/abc`, b: alive },
        { id: newId("pushSubscription"), endpoint: `${service.url}/gone/def`, b: gone },
      ];
      for (const s of subs)
        await db.insert(pushSubscriptions).values({
          id: s.id,
          orgId: ORG,
          recipientId: "ptc_pushtest000001",
          endpoint: s.endpoint,
          p256dh: s.b.p256dh,
          auth: s.b.auth,
          createdAt: now,
        });
      for (const s of subs)
        await enqueue(
          db,
          push({
            subscriptionId: s.id,
            title: "Plan finalized",
            body: "Lisbon <3 is on",
            url: "https://host.test/p",
            template: "plan_finalized",
          }),
          {
            orgId: ORG,
            now,
          },
        );
      const r = await deliverOutbox({
        db,
        logger: silentLogger,
        now: () => now,
        publisher: { publish: async () => {} },
        notifications: sender,
      });
      expect(r).toMatchObject({ sent: 1, failed: 1 });
      expect(bodies).toHaveLength(1);
      const req = bodies[0]!.req;
      expect(req.headers["content-encoding"]).toBe("aes128gcm");
      expect(Number(req.headers.ttl)).toBeGreaterThan(0);
      await verifyVapid(keys, req, service.url);
      // Only the live browser's copy decrypts with its keys (the other went to the 410 endpoint).
      const candidates = raw.map((b) => {
        try {
          return decrypt(alive, b);
        } catch {
          return undefined;
        }
      });
      expect(candidates.filter(Boolean).map((t) => JSON.parse(t!))).toEqual([
        { title: "Plan finalized", body: "Lisbon <3 is on", url: "https://host.test/p" },
      ]);
      // The 410: subscription deleted, message parked with the reason, delivery log failed.
      expect(await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, subs[1]!.id))).toEqual([]);
      const rows = await db.select().from(outbox).where(eq(outbox.kind, "push"));
      const goneRow = rows.find((x) => (x.payload as { subscriptionId: string }).subscriptionId === subs[1]!.id)!;
      expect(goneRow.nextAttemptAt).toBe(PARKED);
      expect(goneRow.lastError).toContain("push service answered 410");
      const logs = await db.select().from(notificationDeliveries);
      expect(logs.map((l) => l.status).sort()).toEqual(["failed", "sent"]);
      expect(logs.find((l) => l.status === "sent")?.providerMessageId).toBe("/m/1");
    } finally {
      await service.close();
    }
  });
});
