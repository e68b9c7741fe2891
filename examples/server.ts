// The host site's own server, as README's "Host sites" section describes it: it serves the site
// (one of the built examples in dist/<name>), keeps the organization's secret key to itself, and
// uses the SDK to mint a participant token for its own signed-in user, handed to the page with
// `/session.json`. The page never sees the secret key.
//
//   GATHERKIT_API_BASE=http://127.0.0.1:8787 GATHERKIT_SECRET_KEY=gk_sk_… pnpm --filter @gatherkit/examples serve react
//
// (pnpm dev keeps the demo organization's secret key in .data/demo.json.)
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Gatherkit } from "@gatherkit/sdk";

export interface ExampleServerOptions {
  /** The Gatherkit API's address. */
  apiBase: string;
  /** The organization's secret key (`gk_sk_…`): only ever on this server. */
  secretKey: string;
  /** Which built example to serve: `react`, `vue` or `html` (from dist/<name>). */
  example: string;
  port?: number;
  host?: string;
}

/** What the page gets from `/session.json`. */
export interface Session {
  apiBase: string;
  /** A publishable key allowed from this server's origin, for widgets anyone may use (the checkout). */
  publishableKey: string;
  /** A participant token for the signed-in user, for widgets that act as them. */
  token: string;
  user: { id: string; name: string };
  /** The demo event the checkout sells tickets for. */
  eventId: string;
  /**
   * The signed-in user's personal invitation link to the demo garden party (invite-only), as the
   * invitation email brings it: `invitation.html?event=evt_…&token=gst_…`.
   */
  invitation: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** This site's own sign-in, reduced to a cookie naming one of its users (a real site has sessions). */
const USERS: Record<string, { id: string; name: string; email: string }> = {
  ada: { id: "site-user-ada", name: "Ada Lovelace", email: "ada@example.com" },
  bo: { id: "site-user-bo", name: "Bo Diddley", email: "bo@example.com" },
};
function signedInUser(req: IncomingMessage) {
  const name = /(?:^|;\s*)user=(\w+)/.exec(req.headers.cookie ?? "")?.[1] ?? "ada";
  return USERS[name] ?? USERS.ada!;
}

/** The demo event: a published event with two ticket types, made once per server. */
async function demoEvent(gk: Gatherkit): Promise<string> {
  const year = new Date().getUTCFullYear() + 1;
  const event = await gk.events.create({
    title: "Fado night at the Clube",
    timeZone: "Europe/Lisbon",
    startsAt: `${year}-07-02T19:30:00.000Z`,
    endsAt: `${year}-07-02T22:30:00.000Z`,
    currency: "EUR",
    venue: { name: "Clube de Fado" },
  });
  await gk.events.ticketTypes.create(event.id, { name: "General admission", price: 2500, currency: "EUR", quantity: 40, maxPerOrder: 6 });
  await gk.events.ticketTypes.create(event.id, { name: "Front row", price: 4500, currency: "EUR", quantity: 4, maxPerOrder: 2 });
  await gk.events.publish(event.id);
  return event.id;
}

/**
 * The demo garden party: invite-only, with a question, plus-ones and an agenda (one session takes
 * sign-ups), whose invitation links open this site's `invitation.html`. Each of the site's users is
 * on its guest list (the organizer added them); the link is what their invitation email brings.
 */
async function demoParty(gk: Gatherkit, siteUrl: string): Promise<Record<string, string>> {
  const year = new Date().getUTCFullYear() + 1;
  const event = await gk.events.create({
    title: "Garden party at the Quinta",
    timeZone: "Europe/Lisbon",
    startsAt: `${year}-06-20T15:00:00.000Z`,
    endsAt: `${year}-06-20T20:00:00.000Z`,
    currency: "EUR",
    venue: { name: "Quinta da Regaleira" },
  });
  await gk.events.guests.updateSettings(event.id, {
    mode: "invite_only",
    capacity: 40,
    maxPlusOnes: 1,
    questions: [{ id: "dietary", label: "Any dietary needs?", kind: "short_text" }],
    invitationUrl: `${siteUrl}/invitation.html`,
  });
  await gk.events.sessions.create(event.id, {
    title: "Toasts",
    startsAt: `${year}-06-20T15:00:00.000Z`,
    endsAt: `${year}-06-20T15:30:00.000Z`,
    track: "Terrace",
    capacity: 20,
  });
  await gk.events.sessions.create(event.id, {
    title: "Dancing",
    startsAt: `${year}-06-20T17:00:00.000Z`,
    endsAt: `${year}-06-20T19:00:00.000Z`,
    track: "Garden",
  });
  await gk.events.publish(event.id);
  const links: Record<string, string> = {};
  for (const [key, user] of Object.entries(USERS)) {
    const guest = await gk.events.guests.create(event.id, { name: user.name, email: user.email });
    links[key] = guest.link!;
  }
  return links;
}

export async function startExampleServer(options: ExampleServerOptions): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const gk = new Gatherkit({ baseUrl: options.apiBase, secretKey: options.secretKey });
  const root = fileURLToPath(new URL(`./dist/${options.example}/`, import.meta.url));
  let setup: Promise<{ publishableKey: string; eventId: string; invitations: Record<string, string> }> | undefined;

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    try {
      if (path === "/session.json") {
        const { publishableKey, eventId, invitations } = await setup!;
        const user = signedInUser(req);
        // The SDK call a host site makes for its signed-in user: no second login for them.
        const { token } = await gk.participantTokens.create({ externalId: user.id, name: user.name, email: user.email });
        const invitation = invitations[Object.keys(USERS).find((k) => USERS[k] === user)!]!;
        const session: Session = {
          apiBase: options.apiBase,
          publishableKey,
          token,
          user: { id: user.id, name: user.name },
          eventId,
          invitation,
        };
        res.writeHead(200, { "content-type": TYPES[".json"]!, "cache-control": "no-store" }).end(JSON.stringify(session));
        return;
      }
      let file = normalize(join(root, path === "/" ? "index.html" : path));
      if (!file.startsWith(root) && `${file}${sep}` !== root) {
        res.writeHead(403).end();
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        // A client-side route: the app's page.
        file = join(root, "index.html");
        body = await readFile(file);
      }
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((r) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", r));
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  // A publishable key for this origin only, the demo event and the demo garden party.
  setup = (async () => ({
    publishableKey: (await gk.publishableKeys.create({ name: `Example (${options.example})`, allowedOrigins: [url] })).key,
    eventId: await demoEvent(gk),
    invitations: await demoParty(gk, url),
  }))();
  await setup;
  return { url, server, close: () => new Promise((r) => server.close(() => r())) };
}

if (import.meta.main) {
  const { GATHERKIT_API_BASE: apiBase, GATHERKIT_SECRET_KEY: secretKey, PORT } = process.env;
  const example = process.argv[2] ?? "html";
  if (!apiBase || !secretKey) {
    console.error("Set GATHERKIT_API_BASE and GATHERKIT_SECRET_KEY (see the README's Examples section), and build the examples first.");
    process.exit(1);
  }
  const { url } = await startExampleServer({ apiBase, secretKey, example, port: Number(PORT ?? 5180) });
  console.log(`The ${example} example: ${url}`);
}
