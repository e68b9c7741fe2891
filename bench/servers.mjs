// One benchmark target per process, started by run.mjs: `node bench/servers.mjs bare|api|floor|writeFloor|holdFloor|socketio|relay`.
// Tells the parent (over IPC) the port it listens on and, for the API, the demo secret key.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const kind = process.argv[2];

/**
 * A raw @libsql/client on a database file, set up as the API sets up its own (apps/api/src/node.ts):
 * one connection, WAL, `synchronous` as `DATABASE_SYNC` says (default NORMAL). A floor that
 * waited for the disk on every commit while the API did not (or the reverse) would measure the
 * disk, not the API's overhead.
 */
async function fileClient(url) {
  const { createClient } = await import("@libsql/client");
  const db = createClient({ url, timeout: 5000, concurrency: 1 });
  await db.execute("PRAGMA journal_mode = WAL");
  await db.execute(`PRAGMA synchronous = ${(process.env.DATABASE_SYNC ?? "normal").toUpperCase()}`);
  await db.execute("PRAGMA busy_timeout = 5000");
  return db;
}

if (kind === "bare") {
  // The baseline: Hono on @hono/node-server with one JSON route and nothing else.
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const app = new Hono();
  app.get("/", (c) => c.json({ status: "ok" }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  process.send({ port: server.address().port });
  process.on("disconnect", () => server.close(() => process.exit(0)));
} else if (kind === "api") {
  // The real API as built (apps/api/dist/node.js), embedded default: libSQL file in a temp DATA_DIR.
  // BENCH_API_BUNDLE: another build to compare (e.g. one of the previous commit), relative to the repository.
  const bundle = new URL(`../${process.env.BENCH_API_BUNDLE ?? "apps/api/dist/node.js"}`, import.meta.url);
  const { startNodeServer } = await import(bundle.href);
  const dataDir = mkdtempSync(join(tmpdir(), "gk-bench-"));
  const started = await startNodeServer({ ...process.env, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" });
  if (!started.demo) throw new Error("the API did not seed its demo organization");
  process.send({ port: started.port, secretKey: started.demo.secretKey, database: join(dataDir, "gatherkit.db") });
  process.on("disconnect", async () => {
    await started.close();
    started.handle.client.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
} else if (kind === "floor") {
  // The floor for an authenticated read: bare Hono doing what GET /v1/organization must do with
  // a secret key — hash the key (WebCrypto SHA-256, as the API does), find it, read the
  // organization — with raw @libsql/client on the API's own database file (FLOOR_DATABASE).
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const db = await fileClient(`file:${process.env.FLOOR_DATABASE}`);
  const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const app = new Hono();
  app.get("/v1/organization", async (c) => {
    const key = (c.req.header("authorization") ?? "").slice("Bearer ".length);
    const hash = hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
    const found = await db.execute({ sql: "SELECT org_id, revoked_at FROM secret_keys WHERE hash = ? LIMIT 1", args: [hash] });
    const row = found.rows[0];
    if (!row || row.revoked_at !== null) return c.json({ code: "invalid_token" }, 401);
    const org = await db.execute({ sql: "SELECT id, name, created_at FROM organizations WHERE id = ? LIMIT 1", args: [row.org_id] });
    const o = org.rows[0];
    return c.json({ id: o.id, name: o.name, createdAt: new Date(Number(o.created_at)).toISOString() });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  process.send({ port: server.address().port });
  process.on("disconnect", () => server.close(() => process.exit(0)));
} else if (kind === "writeFloor") {
  // The floor for an authenticated write: bare Hono doing what POST /v1/plans/{id}/messages must
  // do with a participant token — verify the token (HS256 with WebCrypto, exp checked), read the
  // plan, the membership and the author's name, then write the message and its outbox row in one
  // batch — with raw @libsql/client on the API's own database file (FLOOR_DATABASE). No rate
  // limit, no idempotency, no validation library, no logs.
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const db = await fileClient(`file:${process.env.FLOOR_DATABASE}`);
  const enc = new TextEncoder();
  const hmac = await crypto.subtle.importKey("raw", enc.encode(process.env.JWT_SECRET), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const unb64url = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
  const app = new Hono();
  app.post("/v1/plans/:planId/messages", async (c) => {
    const jwt = (c.req.header("authorization") ?? "").slice("Bearer gk_pt_".length);
    const [h, p, sig] = jwt.split(".");
    if (!(await crypto.subtle.verify("HMAC", hmac, unb64url(sig), enc.encode(`${h}.${p}`)))) return c.json({ code: "invalid_token" }, 401);
    const claims = JSON.parse(new TextDecoder().decode(unb64url(p)));
    if (claims.exp * 1000 < Date.now()) return c.json({ code: "token_expired" }, 401);
    const { body } = await c.req.json();
    const planId = c.req.param("planId");
    const plan = (await db.execute({ sql: "SELECT org_id, status FROM plans WHERE id = ? LIMIT 1", args: [planId] })).rows[0];
    if (!plan || plan.org_id !== claims.org) return c.json({ code: "not_found" }, 404);
    const member = await db.execute({
      sql: "SELECT role FROM plan_participants WHERE plan_id = ? AND participant_id = ? AND removed_at IS NULL LIMIT 1",
      args: [planId, claims.sub],
    });
    if (!member.rows.length) return c.json({ code: "not_found" }, 404);
    const person = (await db.execute({ sql: "SELECT name FROM participants WHERE id = ? LIMIT 1", args: [claims.sub] })).rows[0];
    const now = Date.now();
    const message = {
      id: `msg_${crypto.randomUUID()}`,
      planId,
      authorParticipantId: claims.sub,
      authorName: person.name,
      body,
      createdAt: new Date(now).toISOString(),
      editedAt: null,
      deletedAt: null,
      hiddenAt: null,
    };
    await db.batch([
      {
        sql: "INSERT INTO chat_messages (id, org_id, plan_id, author_participant_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        args: [message.id, plan.org_id, planId, claims.sub, body, now],
      },
      {
        sql: "INSERT INTO outbox (id, org_id, kind, payload, next_attempt_at, created_at) VALUES (?, ?, 'publish', ?, ?, ?)",
        args: [
          `obx_${crypto.randomUUID()}`,
          plan.org_id,
          JSON.stringify({ room: `plan:${planId}`, event: { type: "plan.message_changed", data: { change: "created", message } } }),
          // Never due: the floor has no pump, and the API's must not send these.
          Number.MAX_SAFE_INTEGER,
          now,
        ],
      },
    ]);
    return c.json(message, 201);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  process.send({ port: server.address().port });
  process.on("disconnect", () => server.close(() => process.exit(0)));
} else if (kind === "holdFloor") {
  // The floor for a ticket hold: bare Hono doing the one conditional UPDATE a hold cannot do
  // without (take a ticket of the type if one is left) with raw @libsql/client on the API's own
  // database file (FLOOR_DATABASE) — no order row, no quotas, no capacity, no outbox.
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const db = await fileClient(`file:${process.env.FLOOR_DATABASE}`);
  const app = new Hono();
  app.post("/hold/:typeId", async (c) => {
    const { quantity } = await c.req.json();
    const r = await db.execute({
      sql: "UPDATE ticket_types SET quantity_used = quantity_used + ? WHERE id = ? AND (quantity IS NULL OR quantity - quantity_used >= ?) RETURNING id",
      args: [quantity, c.req.param("typeId"), quantity],
    });
    return r.rows.length ? c.json({ id: r.rows[0].id }, 201) : c.json({ code: "sold_out" }, 409);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  process.send({ port: server.address().port });
  process.on("disconnect", () => server.close(() => process.exit(0)));
} else if (kind === "holdMinimum") {
  // The least a hold that keeps an order can write, by hand in raw libSQL on the API's database
  // file: read the event and the type, then one batch — the order only if the event and the type
  // have room, its line, the type's and the event's counters, and the room's stock message in the
  // outbox (written as sent, so the API's deliverer never reads it). No authentication, no
  // validation, no quotas, discounts or waiting list, no payment, no idempotency, no request log,
  // nothing published. It runs on the API's own driver set-up (packages/db: statements compiled
  // once per connection, and concurrent batches sharing one commit), so it says how close to the
  // floor any hold can get on this stack.
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const { cacheStatements } = await import("../packages/db/src/statement-cache.ts");
  const { groupCommits } = await import("../packages/db/src/group-commit.ts");
  cacheStatements();
  const db = groupCommits(await fileClient(`file:${process.env.FLOOR_DATABASE}`));
  const app = new Hono();
  app.post("/v1/events/:eventId/orders", async (c) => {
    const { buyer, lines } = await c.req.json();
    const { ticketTypeId, quantity } = lines[0];
    const event = (
      await db.execute({
        sql: "SELECT id, org_id, currency, hold_minutes FROM events WHERE id = ? AND status = 'published'",
        args: [c.req.param("eventId")],
      })
    ).rows[0];
    const type = (
      await db.execute({ sql: "SELECT id, price FROM ticket_types WHERE id = ? AND event_id = ?", args: [ticketTypeId, event?.id ?? ""] })
    ).rows[0];
    if (!event || !type) return c.json({ code: "not_found" }, 404);
    const now = Date.now();
    const id = `ord_${crypto.randomUUID()}`;
    const placed = "EXISTS (SELECT 1 FROM orders WHERE id = ?)";
    const total = Number(type.price) * quantity;
    const [inserted] = await db.batch([
      {
        sql: `INSERT INTO orders (id, org_id, event_id, status, buyer_name, buyer_email, total, currency, quantity, confirmation_code, expires_at, created_at, updated_at)
          SELECT ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?
          WHERE EXISTS (SELECT 1 FROM events WHERE id = ? AND status = 'published' AND ends_at > ? AND (capacity IS NULL OR capacity - capacity_used >= ?))
            AND EXISTS (SELECT 1 FROM ticket_types WHERE id = ? AND (quantity IS NULL OR quantity - quantity_used >= ?)) RETURNING id`,
        args: [
          id,
          event.org_id,
          event.id,
          buyer.name,
          buyer.email,
          total,
          event.currency,
          quantity,
          crypto.randomUUID(),
          now + Number(event.hold_minutes) * 60_000,
          now,
          now,
          event.id,
          now,
          quantity,
          type.id,
          quantity,
        ],
      },
      {
        sql: `INSERT INTO order_lines (id, org_id, order_id, ticket_type_id, quantity, unit_price) SELECT ?, ?, ?, ?, ?, ? WHERE ${placed}`,
        args: [`oli_${crypto.randomUUID()}`, event.org_id, id, type.id, quantity, type.price, id],
      },
      { sql: `UPDATE ticket_types SET quantity_used = quantity_used + ? WHERE id = ? AND ${placed}`, args: [quantity, type.id, id] },
      { sql: `UPDATE events SET capacity_used = capacity_used + ? WHERE id = ? AND ${placed}`, args: [quantity, event.id, id] },
      {
        sql: `INSERT INTO outbox (id, org_id, kind, payload, next_attempt_at, sent_at, created_at, order_key)
          SELECT ?, ?, 'publish', json_object('room', ?, 'event', json_object('type', 'event.stock_changed', 'data', json_object('eventId', ?,
            'ticketTypes', json((SELECT json_group_array(json_object('id', t.id, 'remaining', t.quantity - t.quantity_used)) FROM ticket_types t WHERE t.event_id = ?))))),
            ?, ?, ?, ? WHERE ${placed}`,
        args: [`obx_${crypto.randomUUID()}`, event.org_id, `event:${event.id}`, event.id, event.id, now, now, now, `event:${event.id}`, id],
      },
    ]);
    if (!inserted.rows.length) return c.json({ code: "sold_out" }, 409);
    return c.json({ id, status: "pending", total, currency: event.currency, expiresAt: now + Number(event.hold_minutes) * 60_000 }, 201);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  process.send({ port: server.address().port });
  process.on("disconnect", () => server.close(() => process.exit(0)));
} else if (kind === "socketio") {
  // The seeds' stack, for the realtime fan-out baseline: an HTTP POST writes a row to a SQLite
  // file (libSQL, as the API does) and the server then broadcasts it with Socket.IO to the room.
  const { createServer } = await import("node:http");
  const { Server } = await import("socket.io");
  const dataDir = mkdtempSync(join(tmpdir(), "gk-bench-sio-"));
  const db = await fileClient(`file:${join(dataDir, "sio.db")}`);
  await db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL)");
  const http = createServer(async (req, res) => {
    const room = new URL(req.url, "http://x").searchParams.get("room") ?? "";
    let body = "";
    for await (const chunk of req) body += chunk;
    const { text } = JSON.parse(body);
    const row = await db.execute({
      sql: "INSERT INTO messages (room, body, created_at) VALUES (?, ?, ?) RETURNING id",
      args: [room, text, Date.now()],
    });
    const message = { id: Number(row.rows[0].id), body: text };
    io.to(room).emit("message", message);
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(message));
  });
  const io = new Server(http, { serveClient: false });
  io.on("connection", (socket) => socket.join(String(socket.handshake.query.room)));
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  process.send({ port: http.address().port });
  process.on("disconnect", () => {
    io.close();
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
} else if (kind === "relay") {
  // The two-hop floor for the realtime fan-out (fanout-floor.mjs): a bare Node HTTP handler
  // whose `POST /messages` inserts the row into a libSQL file, then POSTs the frame a Gatherkit
  // room would broadcast to the bare PartyKit room (RELAY_ROOM_URL) with `fetch`, as the API
  // publishes (keep-alive, uncompressed answer); no signature, no outbox, no auth.
  const { createServer } = await import("node:http");
  const { chatFrame } = await import("./fanout-floor.mjs");
  const dataDir = mkdtempSync(join(tmpdir(), "gk-bench-relay-"));
  const db = await fileClient(`file:${join(dataDir, "relay.db")}`);
  await db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL)");
  const http = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const { text } = JSON.parse(body);
    const row = await db.execute({ sql: "INSERT INTO messages (body, created_at) VALUES (?, ?) RETURNING id", args: [text, Date.now()] });
    const published = await fetch(process.env.RELAY_ROOM_URL, {
      method: "POST",
      body: chatFrame(text, Number(row.rows[0].id)),
      headers: { "accept-encoding": "identity" },
    });
    await published.arrayBuffer();
    res.writeHead(published.status === 202 ? 201 : 502).end();
  });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  process.send({ port: http.address().port });
  process.on("disconnect", () => {
    http.close();
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  console.error("usage: node bench/servers.mjs bare|api|floor|writeFloor|holdFloor|socketio|relay");
  process.exit(2);
}
