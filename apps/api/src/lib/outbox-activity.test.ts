import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PublishedEvent } from "@gatherkit/core";
import { applyMigrations, type Db, outbox } from "@gatherkit/db";
import { createLibsqlDb, type LibsqlHandle } from "@gatherkit/db/libsql";
import { isNull } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "./logger.js";
import { type DeliveryDeps, deliverOutbox, enqueue, realtime } from "./outbox.js";
import type { Publisher } from "./publisher.js";

// The organization's room hears `organization.activity` when its plans', events' or places' rooms
// got messages: one per organization per delivery pass however many rows went out (the
// dashboard's overview refetches once), never for chat, never carrying an id; and a failing echo
// never holds up the objects' own rooms.

let dir: string;
let handle: LibsqlHandle;
let db: Db;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gk-outbox-activity-"));
  handle = createLibsqlDb({ url: pathToFileURL(join(dir, "outbox.db")).href });
  await applyMigrations(handle.migrations);
  db = handle.db;
});
afterAll(() => {
  handle.client.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.delete(outbox);
});

function recorder(failOrgRooms = false) {
  const sent: { room: string; event: PublishedEvent; id: string | undefined }[] = [];
  const publisher: Publisher = {
    async publish(room, event, opts) {
      if (failOrgRooms && room.startsWith("org:")) throw new Error("org room unreachable");
      sent.push({ room, event, id: opts?.id });
    },
  };
  return { sent, publisher };
}
const deps = (publisher: Publisher): DeliveryDeps => ({ db, publisher, logger: silentLogger, now: () => 1_000_000 });

const A = "org_activityaaaa0001";
const B = "org_activitybbbb0001";
const C = "org_activitycccc0001";
const stock = (eventId: string): PublishedEvent => ({ type: "event.stock_changed", data: { eventId, ticketTypes: [] } });
const chat = (planId: string): PublishedEvent => ({
  type: "plan.message_changed",
  data: {
    change: "created",
    message: {
      id: "msg_activity0000000001",
      planId,
      authorParticipantId: "ptc_activity0000000001",
      authorName: "Ana",
      body: "hi",
      createdAt: "2026-12-07T00:00:00.000Z",
      editedAt: null,
      deletedAt: null,
      hiddenAt: null,
    },
  },
});

async function put(room: string, event: PublishedEvent, orgId: string) {
  await enqueue(db, realtime(room, event), { orgId, now: 1_000_000 });
}

describe("organization activity", () => {
  it("one content-free echo per organization per pass, naming only the kinds of room; none for chat or the org's own feed", async () => {
    for (let i = 0; i < 12; i++) await put(`event:evt_activity0000000${i % 3}`, stock(`evt_activity0000000${i % 3}`), A);
    await put("place:prm_activity00000001", { type: "key.changed", data: { id: "key_1" } }, A);
    await put("event:evt_activityb0000001", stock("evt_activityb0000001"), B);
    await put("plan:plan_activityc0000001", chat("plan_activityc0000001"), C);
    await put(`org:${C}`, { type: "key.changed", data: { id: "key_1" } }, C);
    const { sent, publisher } = recorder();
    await deliverOutbox(deps(publisher), { limit: 50, maxBatches: 1 });

    // The chat message went out (to its plan's room), unechoed.
    expect(sent.filter((s) => s.room === "plan:plan_activityc0000001")).toHaveLength(1);
    const echoes = sent.filter((s) => s.event.type === "organization.activity").sort((x, y) => x.room.localeCompare(y.room));
    expect(echoes.map((e) => [e.room, e.event])).toEqual([
      [`org:${A}`, { type: "organization.activity", data: { rooms: ["event", "place"] } }],
      [`org:${B}`, { type: "organization.activity", data: { rooms: ["event"] } }],
    ]);
    // Every object message went out first, each once.
    expect(sent.filter((s) => s.event.type !== "organization.activity")).toHaveLength(16);
    expect(new Set(echoes.map((e) => e.id)).size).toBe(2);
    expect(JSON.stringify(echoes.map((e) => e.event))).not.toMatch(/evt_|prm_|plan_|key_/);
  });

  it("a pass that sends nothing echoes nothing; an org room that fails does not hold up the objects' rooms", async () => {
    const quiet = recorder();
    await deliverOutbox(deps(quiet.publisher));
    expect(quiet.sent).toEqual([]);

    await put("event:evt_activityfail00001", stock("evt_activityfail00001"), A);
    await put("event:evt_activityfail00001", stock("evt_activityfail00001"), A);
    const { sent, publisher } = recorder(true);
    await deliverOutbox(deps(publisher));
    expect(sent.map((s) => s.room)).toEqual(["event:evt_activityfail00001", "event:evt_activityfail00001"]);
    expect(await db.$count(outbox, isNull(outbox.sentAt))).toBe(0);
  });
});
