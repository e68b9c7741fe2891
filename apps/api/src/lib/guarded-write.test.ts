import { DomainError } from "@gatherkit/core";
import { organizations } from "@gatherkit/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.js";
import { previousStatementChanged } from "./guarded-insert.js";
import { guardedWrite } from "./guarded-write.js";
import { enqueueWhen, realtime } from "./outbox.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ORG = "org_guardedwrite0000001";
const room = `org:${ORG}`;
const renamed = (name: string) => ({ type: "organization.updated" as const, data: { id: ORG, name } });

/** Renames the organization only while it still has the name `from`, with its event in the batch. */
function rename<A>(from: string, to: string, explain: (rows: { name: string }[]) => Promise<A>) {
  const db = t.deps.db;
  return guardedWrite(
    t.deps,
    [
      db
        .update(organizations)
        .set({ name: to })
        .where(and(eq(organizations.id, ORG), eq(organizations.name, from)))
        .returning(),
      enqueueWhen(db, realtime(room, renamed(to)), previousStatementChanged, { orgId: ORG, now: t.deps.now() }),
    ],
    { written: ([[row]]) => row, explain: ([rows]) => explain(rows) },
  );
}

describe("guardedWrite", () => {
  it("answers what was written and delivers the batch's events; else answers or throws what explain says", async () => {
    await t.deps.db.insert(organizations).values({ id: ORG, name: "Old", createdAt: t.deps.now() });
    const explain = vi.fn(async () => "not reached");
    expect(await rename("Old", "New", explain)).toMatchObject({ id: ORG, name: "New" });
    expect(explain).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(t.published).toContainEqual({ room, event: renamed("New") }));

    // The guard lets nothing through: explain gets the batch's results, and its answer is the answer.
    const unchanged = vi.fn(async (rows: { name: string }[]) => ({ unchanged: rows.length }));
    expect(await rename("Old", "Newer", unchanged)).toEqual({ unchanged: 0 });
    expect(unchanged).toHaveBeenCalledOnce();
    // Or it refuses with the rule's code.
    await expect(
      rename("Old", "Newest", async () => {
        throw new DomainError(409, "conflict", "renamed meanwhile");
      }),
    ).rejects.toMatchObject({ status: 409, code: "conflict" });
    // Neither wrote the row nor its event.
    const [row] = await t.deps.db.select().from(organizations).where(eq(organizations.id, ORG));
    expect(row!.name).toBe("New");
    expect(t.published.filter((p) => p.room === room).map((p) => p.event)).toEqual([renamed("New")]);
  });
});
