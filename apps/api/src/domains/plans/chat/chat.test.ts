import type { ChatMessage, Plan } from "@gatherkit/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createParticipantToken, expectProblem, expectStatus, newOrg, type TestOrg } from "../../../../test/fixtures.js";
import { call, createTestApp, type TestApp } from "../../../../test/harness.js";
import { type Joined, joinPlan, newPlan, planEvents, promote } from "../../../../test/plan-fixtures.js";
import { applyMessageChange } from "./chat.service.js";

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let plan: Plan;
let ada: Joined;
let bob: Joined;
let olga: Joined;

beforeAll(async () => {
  t = await createTestApp();
  org = await newOrg(t);
  other = await newOrg(t);
  plan = await newPlan(t, org);
  ada = await joinPlan(t, org, plan, "Ada");
  bob = await joinPlan(t, org, plan, "Bob");
  olga = await joinPlan(t, org, plan, "Olga");
  await promote(t, org, plan, olga.participantId);
});
afterAll(() => t.close());

const messagesPath = (p: { id: string } = plan) => `/v1/plans/${p.id}/messages`;
const post = (token: string, body: unknown, p: { id: string } = plan) => call(t, "POST", messagesPath(p), { token, body });
const posted = async (token: string, text: string, p: { id: string } = plan) =>
  expectStatus<ChatMessage>(await post(token, { body: text }, p), 201);
const edit = (token: string, m: ChatMessage, text: string) =>
  call(t, "PATCH", `${messagesPath()}/${m.id}`, { token, body: { body: text } });
const remove = (token: string, m: ChatMessage) => call(t, "DELETE", `${messagesPath()}/${m.id}`, { token });
const messageEvents = async (p: { id: string } = plan) =>
  (await planEvents(t, p)).flatMap((e) => (e.type === "plan.message_changed" ? [e.data] : []));

describe("posting and reading messages", () => {
  it("posts as the calling participant, trimmed, and publishes it to the plan's room", async () => {
    const m = await posted(ada.token, "  Who's up for sardines tonight?  ");
    expect(m).toMatchObject({
      planId: plan.id,
      authorParticipantId: ada.participantId,
      authorName: "Ada",
      body: "Who's up for sardines tonight?",
      editedAt: null,
      deletedAt: null,
    });
    expect(m.id).toMatch(/^msg_/);
    expect(await messageEvents()).toContainEqual({ change: "created", message: m });
  });

  it("refuses empty or oversized messages and unknown fields", async () => {
    expectProblem(await post(ada.token, { body: "   " }), 400, "validation_failed");
    expectProblem(await post(ada.token, { body: "x".repeat(4001) }), 400, "validation_failed");
    expectProblem(await post(ada.token, { body: "hi", pinned: true }), 400, "validation_failed");
  });

  it("pages newest first across pages without gaps or repeats", async () => {
    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    const b = await joinPlan(t, org, p, "B");
    const sent: ChatMessage[] = [];
    for (let i = 1; i <= 7; i++) sent.push(await posted(i % 2 ? a.token : b.token, `message ${i}`, p));
    const pages: ChatMessage[][] = [];
    let cursor: string | null = null;
    do {
      const page: { data: ChatMessage[]; nextCursor: string | null } = expectStatus(
        await call(t, "GET", `${messagesPath(p)}?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: a.token }),
        200,
      );
      pages.push(page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((x) => x.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((m) => m.body)).toEqual([
      "message 7",
      "message 6",
      "message 5",
      "message 4",
      "message 3",
      "message 2",
      "message 1",
    ]);
    expect(pages.flat()).toEqual([...sent].reverse());
    expectProblem(await call(t, "GET", `${messagesPath(p)}?cursor=not-a-cursor`, { token: a.token }), 400, "validation_failed");
  });

  it("lets staff read, but post only through a participant identity", async () => {
    expectStatus(await call(t, "GET", messagesPath(), { token: org.secretKey }), 200);
    expectProblem(await post(org.secretKey, { body: "From the office" }), 403, "not_a_participant");
    expectProblem(await post(org.ownerToken, { body: "From the office" }), 403, "not_a_participant");
  });

  it("refuses someone outside the plan (403), a publishable key (403) and another organization (404)", async () => {
    const m = await posted(ada.token, "members only");
    expectProblem(await call(t, "GET", messagesPath(), { token: org.participantToken }), 403, "not_a_participant");
    expectProblem(await post(org.participantToken, { body: "let me in" }), 403, "not_a_participant");
    expectProblem(await remove(org.participantToken, m), 403, "not_a_participant");
    expectProblem(await call(t, "GET", messagesPath(), { token: org.publishableKey }), 403, "permission_denied");
    const stranger = await createParticipantToken(t, other.secretKey);
    for (const token of [other.secretKey, other.ownerToken, stranger.token]) {
      expectProblem(await call(t, "GET", messagesPath(), { token }), 404, "not_found");
      expectProblem(await post(token, { body: "hello?" }), 404, "not_found");
      expectProblem(await edit(token, m, "mine now"), 404, "not_found");
      expectProblem(await remove(token, m), 404, "not_found");
    }
  });
});

describe("the participant's plan read of each request", () => {
  it("is built once per database, and still reads the plan and the membership as they are now", async () => {
    const cid = await joinPlan(t, org, plan, "Cid");
    await posted(cid.token, "first");
    // Every SQL text drizzle builds while Cid posts again: the plan, membership and name read is not among them.
    const dialect = (t.deps.db as unknown as { dialect: { sqlToQuery(q: unknown): { sql: string } } }).dialect;
    const build = dialect.sqlToQuery.bind(dialect);
    const built: string[] = [];
    const spy = vi.spyOn(dialect, "sqlToQuery").mockImplementation((q) => {
      const query = build(q);
      built.push(query.sql);
      return query;
    });
    try {
      await posted(cid.token, "second");
    } finally {
      spy.mockRestore();
    }
    expect(built.length).toBeGreaterThan(0);
    expect(built.filter((sql) => /from "plans" left join "plan_participants"/i.test(sql))).toEqual([]);
    // Reused, it still binds this request's ids and reads the current rows: removed, Cid is refused.
    expectStatus(await call(t, "DELETE", `/v1/plans/${plan.id}/participants/${cid.participantId}`, { token: org.secretKey }), 204);
    expectProblem(await post(cid.token, { body: "still here?" }), 403, "not_a_participant");
    expectProblem(await post(cid.token, { body: "elsewhere" }, await newPlan(t, org)), 403, "not_a_participant");
  });
});

describe("editing and deleting messages", () => {
  it("lets the author edit their message (editedAt set, published); nobody else, not even an organizer", async () => {
    const m = await posted(bob.token, "Meet at 8");
    const edited = expectStatus<ChatMessage>(await edit(bob.token, m, "Meet at 9"), 200);
    expect(edited).toMatchObject({ id: m.id, body: "Meet at 9", createdAt: m.createdAt, deletedAt: null });
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(await messageEvents()).toContainEqual({ change: "edited", message: edited });
    expectProblem(await edit(ada.token, m, "Meet never"), 403, "permission_denied");
    expectProblem(await edit(olga.token, m, "Meet never"), 403, "permission_denied");
    expectProblem(await edit(org.secretKey, m, "Meet never"), 403, "permission_denied");
    const list = expectStatus<{ data: ChatMessage[] }>(await call(t, "GET", messagesPath(), { token: ada.token }), 200);
    expect(list.data.find((x) => x.id === m.id)).toEqual(edited);
  });

  it("lets the author delete their message: it stays in the history without its body; twice is 409", async () => {
    const m = await posted(ada.token, "oops, wrong chat");
    expectProblem(await remove(bob.token, m), 403, "permission_denied");
    expect((await remove(ada.token, m)).status).toBe(204);
    const list = expectStatus<{ data: ChatMessage[] }>(await call(t, "GET", messagesPath(), { token: bob.token }), 200);
    const tombstone = list.data.find((x) => x.id === m.id)!;
    expect(tombstone).toMatchObject({ id: m.id, body: null, authorParticipantId: ada.participantId });
    expect(tombstone.deletedAt).toEqual(expect.any(String));
    expect(await messageEvents()).toContainEqual({ change: "deleted", message: tombstone });
    expectProblem(await remove(ada.token, m), 409, "message_deleted");
    expectProblem(await edit(ada.token, m, "back again"), 409, "message_deleted");
  });

  it("lets an organizer (participant or staff) delete anyone's message", async () => {
    const m1 = await posted(bob.token, "spam");
    expect((await remove(olga.token, m1)).status).toBe(204);
    const m2 = await posted(bob.token, "more spam");
    expect((await remove(org.secretKey, m2)).status).toBe(204);
  });

  it("answers 404 for a message of another plan", async () => {
    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    const elsewhere = await posted(a.token, "elsewhere", p);
    expectProblem(await edit(org.secretKey, elsewhere, "x"), 404, "not_found"); // wrong plan in the path
    expectProblem(await remove(olga.token, elsewhere), 404, "not_found");
  });

  it("an edit based on a stale read (the message was deleted after it was read) writes nothing and publishes nothing", async () => {
    const m = await posted(ada.token, "secret plan");
    const stale = { ...m, createdAt: Date.parse(m.createdAt), editedAt: null, deletedAt: null, hiddenAt: null };
    expect((await remove(ada.token, m)).status).toBe(204);
    await expect(
      applyMessageChange(t.deps, org.org.id, { ...stale, body: "edited after delete", editedAt: Date.now() }, "edited"),
    ).rejects.toMatchObject({
      status: 409,
      code: "message_deleted",
    });
    const list = expectStatus<{ data: ChatMessage[] }>(await call(t, "GET", messagesPath(), { token: ada.token }), 200);
    expect(list.data.find((x) => x.id === m.id)).toMatchObject({ body: null, editedAt: null });
    const events = (await messageEvents()).filter((e) => e.message.id === m.id).map((e) => e.change);
    expect(events).toEqual(["created", "deleted"]);
  });
});

describe("hiding messages (moderation)", () => {
  const hide = (token: string, m: ChatMessage, verb: "hide" | "unhide" = "hide") =>
    call(t, "POST", `${messagesPath()}/${m.id}/${verb}`, { token });
  const listed = async (token: string) => expectStatus<{ data: ChatMessage[] }>(await call(t, "GET", messagesPath(), { token }), 200).data;

  it("an organizer hides a message: participants stop getting it, organizers see it greyed, the room drops it without its body", async () => {
    const m = await posted(bob.token, "buy cheap watches at example.com");
    const hidden = expectStatus<ChatMessage>(await hide(olga.token, m), 200);
    expect(hidden).toMatchObject({ id: m.id, body: m.body, deletedAt: null });
    expect(hidden.hiddenAt).not.toBeNull();

    for (const token of [ada.token, bob.token]) expect((await listed(token)).map((x) => x.id)).not.toContain(m.id);
    for (const token of [olga.token, org.secretKey]) expect((await listed(token)).find((x) => x.id === m.id)).toEqual(hidden);

    const events = (await messageEvents()).filter((e) => e.message.id === m.id);
    expect(events.map((e) => e.change)).toEqual(["created", "hidden"]);
    expect(events[1]?.message).toMatchObject({ body: null, hiddenAt: hidden.hiddenAt });

    // Hidden, its author cannot edit it back into view.
    expectProblem(await edit(bob.token, m, "still spam"), 409, "message_hidden");

    // Hiding it again answers it as it is, publishing nothing.
    expect(expectStatus<ChatMessage>(await hide(org.secretKey, m), 200)).toEqual(hidden);

    const shown = expectStatus<ChatMessage>(await hide(org.secretKey, m, "unhide"), 200);
    expect(shown).toMatchObject({ id: m.id, body: m.body, hiddenAt: null });
    expect((await listed(ada.token)).find((x) => x.id === m.id)).toEqual(shown);
    const after = (await messageEvents()).filter((e) => e.message.id === m.id);
    expect(after.map((e) => e.change)).toEqual(["created", "hidden", "unhidden"]);
    expect(after[2]?.message).toEqual(shown);
  });

  it("only organizers and staff hide or unhide; a deleted message cannot be hidden; another plan's message is 404", async () => {
    const m = await posted(ada.token, "hello");
    expectProblem(await hide(ada.token, m), 403, "organizer_required");
    expectProblem(await hide(bob.token, m), 403, "organizer_required");
    expectProblem(await hide(other.secretKey, m), 404, "not_found");
    expect((await remove(ada.token, m)).status).toBe(204);
    expectProblem(await hide(olga.token, m), 409, "message_deleted");

    const p = await newPlan(t, org);
    const a = await joinPlan(t, org, p, "A");
    const elsewhere = await posted(a.token, "elsewhere", p);
    expectProblem(await hide(org.secretKey, elsewhere), 404, "not_found");
  });

  it("many organizers hiding at once publish one `hidden` event; the author editing at the same time never republishes the body", async () => {
    const m = await posted(bob.token, "racy");
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => hide(olga.token, m)),
      ...Array.from({ length: 6 }, () => edit(bob.token, m, "racy, edited")),
    ]);
    const hides = results.slice(0, 6).map((r) => r.status);
    expect(hides).toEqual(Array(6).fill(200));
    for (const r of results.slice(6)) expect([200, 409]).toContain(r.status);
    const events = (await messageEvents()).filter((e) => e.message.id === m.id);
    expect(events.filter((e) => e.change === "hidden")).toHaveLength(1);
    // Every edit event was published before the hide: none after it.
    const at = events.findIndex((e) => e.change === "hidden");
    expect(events.slice(at + 1)).toEqual([]);
    // Deterministically: an edit read before the hide, written after it, writes and publishes nothing.
    const stale = { ...m, body: "sneaked back", createdAt: Date.parse(m.createdAt), editedAt: Date.now(), deletedAt: null, hiddenAt: null };
    await expect(applyMessageChange(t.deps, org.org.id, stale, "edited")).rejects.toMatchObject({ status: 409, code: "message_hidden" });
    expect((await messageEvents()).filter((e) => e.message.id === m.id)).toEqual(events);
    // Control: the same edits on a visible message all succeed.
    const c = await posted(bob.token, "calm");
    const edits = await Promise.all(Array.from({ length: 6 }, (_, i) => edit(bob.token, c, `calm ${i}`)));
    expect(edits.map((r) => r.status)).toEqual(Array(6).fill(200));
  });
});
