// The Plans tables' guarantees, checked on real SQL: the conditional statements the API uses
// never overshoot a limit, and the constraints refuse what the rules forbid even if code slips.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, type Db } from "../src/index.js";
import { createLibsqlDb, type LibsqlHandle } from "../src/libsql.js";
import {
  expenseShares,
  expenses,
  organizations,
  participants,
  payments,
  planInvites,
  planParticipants,
  plans,
  proposals,
  proposalTakers,
  votes,
} from "../src/schema/index.js";

const dir = mkdtempSync(join(tmpdir(), "gk-db-plans-"));
const url = pathToFileURL(join(dir, "plans.db")).href;
/** Several connections to one database file, so statements really come from different clients. */
const handles: LibsqlHandle[] = [];
let db: Db;
const NOW = 1_900_000_000_000;

beforeAll(async () => {
  for (let i = 0; i < 4; i++) {
    const h = createLibsqlDb({ url });
    await h.client.execute("PRAGMA busy_timeout = 5000");
    handles.push(h);
  }
  await handles[0]!.client.execute("PRAGMA journal_mode = WAL");
  await applyMigrations(handles[0]!.migrations);
  db = handles[0]!.db;
  await db.insert(organizations).values({ id: "org_1", name: "Org", createdAt: NOW });
  await db
    .insert(participants)
    .values(Array.from({ length: 20 }, (_, i) => ({ id: `ptc_${i}`, orgId: "org_1", name: `P${i}`, createdAt: NOW })));
  await db.insert(plans).values({
    id: "plan_1",
    orgId: "org_1",
    type: "trip",
    title: "Trip",
    timeZone: "Europe/Lisbon",
    currency: "EUR",
    oneYesPerParticipant: true,
    createdAt: NOW,
    updatedAt: NOW,
  });
});

afterAll(() => {
  for (const h of handles) h.client.close();
  rmSync(dir, { recursive: true, force: true });
});

const on = (i: number) => handles[i % handles.length]!.db;

/** The join's atomic take of one invite use. */
const takeInviteUse = (conn: Db, code: string, now: number) =>
  conn
    .update(planInvites)
    .set({ uses: sql`${planInvites.uses} + 1` })
    .where(
      and(
        eq(planInvites.code, code),
        isNull(planInvites.revokedAt),
        or(isNull(planInvites.expiresAt), gt(planInvites.expiresAt, now)),
        or(isNull(planInvites.maxUses), lt(planInvites.uses, planInvites.maxUses)),
      ),
    )
    .returning();

describe("plan_invites", () => {
  it("concurrent joins never take more than max_uses", async () => {
    await db.insert(planInvites).values({ id: "inv_1", orgId: "org_1", planId: "plan_1", code: "code1", maxUses: 3, createdAt: NOW });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => takeInviteUse(on(i), "code1", NOW)));
    expect(results.filter((r) => r.length === 1)).toHaveLength(3);
    const [row] = await db.select().from(planInvites).where(eq(planInvites.id, "inv_1"));
    expect(row!.uses).toBe(3);
  });

  it("an expired or revoked invite gives no use", async () => {
    await db.insert(planInvites).values([
      { id: "inv_2", orgId: "org_1", planId: "plan_1", code: "code2", expiresAt: NOW, createdAt: NOW },
      { id: "inv_3", orgId: "org_1", planId: "plan_1", code: "code3", revokedAt: NOW, createdAt: NOW },
    ]);
    expect(await takeInviteUse(db, "code2", NOW)).toHaveLength(0);
    expect(await takeInviteUse(db, "code2", NOW - 1)).toHaveLength(1);
    expect(await takeInviteUse(db, "code3", NOW)).toHaveLength(0);
  });

  it("the database itself refuses uses beyond max_uses and duplicate codes", async () => {
    await expect(db.update(planInvites).set({ uses: 4 }).where(eq(planInvites.id, "inv_1"))).rejects.toThrow();
    await expect(
      db.insert(planInvites).values({ id: "inv_4", orgId: "org_1", planId: "plan_1", code: "code1", createdAt: NOW }),
    ).rejects.toThrow();
  });
});

describe("plan_participants", () => {
  it("a participant is in a plan once", async () => {
    const row = { orgId: "org_1", planId: "plan_1", participantId: "ptc_0", role: "organizer" as const, createdAt: NOW, updatedAt: NOW };
    await db.insert(planParticipants).values({ id: "pp_1", ...row });
    await expect(db.insert(planParticipants).values({ id: "pp_2", ...row, role: "participant" })).rejects.toThrow();
  });
});

describe("proposals and commitments", () => {
  /** One batch: take a place if there is room, then recount. The CHECK backs it up. */
  const commit = (conn: Db, proposalId: string, participantId: string) =>
    conn.batch([
      conn.run(sql`INSERT INTO proposal_takers (org_id, plan_id, proposal_id, participant_id, created_at)
        SELECT 'org_1', 'plan_1', ${proposalId}, ${participantId}, ${NOW}
        WHERE EXISTS (SELECT 1 FROM proposals WHERE id = ${proposalId} AND (capacity IS NULL OR taken_count < capacity))
        ON CONFLICT DO NOTHING`),
      conn
        .update(proposals)
        .set({ takenCount: sql`(SELECT count(*) FROM proposal_takers WHERE proposal_id = ${proposalId})` })
        .where(eq(proposals.id, proposalId))
        .returning({ takenCount: proposals.takenCount }),
    ]);

  it("concurrent commitments never exceed the capacity", async () => {
    await db
      .insert(proposals)
      .values({ id: "prop_1", orgId: "org_1", planId: "plan_1", title: "Boat", capacity: 3, createdAt: NOW, updatedAt: NOW });
    await Promise.all(Array.from({ length: 12 }, (_, i) => commit(on(i), "prop_1", `ptc_${i}`)));
    const takers = await db.select().from(proposalTakers).where(eq(proposalTakers.proposalId, "prop_1"));
    expect(takers).toHaveLength(3);
    const [p] = await db.select().from(proposals).where(eq(proposals.id, "prop_1"));
    expect(p!.takenCount).toBe(3);
    await expect(db.update(proposals).set({ takenCount: 4 }).where(eq(proposals.id, "prop_1"))).rejects.toThrow();
  });

  it("a cost is all there or absent, and a window ends after it starts", async () => {
    const base = { orgId: "org_1", planId: "plan_1", title: "X", createdAt: NOW, updatedAt: NOW };
    await expect(db.insert(proposals).values({ id: "prop_2", ...base, costKind: "total", costAmount: 100 })).rejects.toThrow();
    await expect(db.insert(proposals).values({ id: "prop_3", ...base, startsAt: NOW, endsAt: NOW })).rejects.toThrow();
    await db.insert(proposals).values({ id: "prop_4", ...base, costKind: "per_person", costAmount: 100, costCurrency: "EUR" });
  });
});

describe("votes", () => {
  const cast = (conn: Db, id: string, proposalId: string, participantId: string, value: "yes" | "maybe" | "no") =>
    conn
      .insert(votes)
      .values({
        id,
        orgId: "org_1",
        planId: "plan_1",
        proposalId,
        participantId,
        value,
        yesLock: value === "yes" ? `plan_1:${participantId}` : null,
        createdAt: NOW,
        updatedAt: NOW,
      })
      .onConflictDoUpdate({
        target: [votes.proposalId, votes.participantId],
        set: { value: sql`excluded.value`, yesLock: sql`excluded.yes_lock`, updatedAt: sql`excluded.updated_at` },
      })
      .returning();

  it("re-casting replaces the participant's vote", async () => {
    await cast(db, "vote_1", "prop_1", "ptc_5", "no");
    await cast(db, "vote_2", "prop_1", "ptc_5", "yes");
    const rows = await db.select().from(votes).where(eq(votes.participantId, "ptc_5"));
    expect(rows.map((r) => [r.id, r.value])).toEqual([["vote_1", "yes"]]);
  });

  it("concurrent yes votes on different proposals: only one stands", async () => {
    const settled = await Promise.allSettled([
      cast(on(1), "vote_3", "prop_1", "ptc_6", "yes"),
      cast(on(2), "vote_4", "prop_4", "ptc_6", "yes"),
    ]);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
    const yes = await db
      .select()
      .from(votes)
      .where(and(eq(votes.participantId, "ptc_6"), eq(votes.value, "yes")));
    expect(yes).toHaveLength(1);
    // A maybe takes no lock.
    await cast(db, "vote_5", yes[0]!.proposalId === "prop_1" ? "prop_4" : "prop_1", "ptc_6", "maybe");
  });
});

describe("money", () => {
  it("refuses payments to oneself, non-positive amounts and negative shares", async () => {
    const pay = { orgId: "org_1", planId: "plan_1", amount: 100, currency: "EUR", createdAt: NOW };
    await expect(
      db.insert(payments).values({ id: "pay_1", ...pay, fromParticipantId: "ptc_1", toParticipantId: "ptc_1" }),
    ).rejects.toThrow();
    await expect(
      db.insert(payments).values({ id: "pay_2", ...pay, amount: 0, fromParticipantId: "ptc_1", toParticipantId: "ptc_2" }),
    ).rejects.toThrow();
    const expense = {
      id: "exp_1",
      orgId: "org_1",
      planId: "plan_1",
      description: "Taxi",
      amount: 4200,
      currency: "EUR",
      paidByParticipantId: "ptc_1",
      split: { mode: "equal" },
      createdAt: NOW,
    };
    await db.batch([
      db.insert(expenses).values(expense),
      db.insert(expenseShares).values([
        { orgId: "org_1", planId: "plan_1", expenseId: "exp_1", participantId: "ptc_1", amount: 2100 },
        { orgId: "org_1", planId: "plan_1", expenseId: "exp_1", participantId: "ptc_2", amount: 2100 },
      ]),
    ]);
    await expect(
      db.insert(expenseShares).values({ orgId: "org_1", planId: "plan_1", expenseId: "exp_1", participantId: "ptc_3", amount: -1 }),
    ).rejects.toThrow();
    const [row] = await db.select().from(expenses).where(eq(expenses.id, "exp_1"));
    expect(row!.split).toEqual({ mode: "equal" });
  });
});
