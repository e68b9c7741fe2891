import { type Db, localMessages } from "@gatherkit/db";
import { desc, eq } from "drizzle-orm";
import { escapeHtml } from "./templates.js";

/**
 * The embedded default's outbox viewer (`/_dev/outbox`, served by node.ts outside production):
 * what the local email and SMS providers "sent", newest first, and one message as its recipient
 * would see it. An email's HTML is shown in a sandboxed iframe (no scripts, links open in a new
 * tab), so a message's content can never act on this page.
 */
export async function outboxViewer(db: Db, path: string): Promise<Response | undefined> {
  const base = "/_dev/outbox";
  if (path === base || path === `${base}/`) return html(await listPage(db));
  const m = new RegExp(`^${base}/(lm_[0-9a-z]{8,40})$`).exec(path);
  if (!m) return undefined;
  const [msg] = await db.select().from(localMessages).where(eq(localMessages.id, m[1]!));
  if (!msg) return html(page("Not found", `<p>No such message. <a href="${base}">All messages</a></p>`), 404);
  return html(messagePage(msg));
}

const html = (body: string, status = 200) =>
  new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src * data:",
    },
  });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}` +
  `td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}iframe{width:100%;height:32rem;border:1px solid #ccc}pre{white-space:pre-wrap}</style>` +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

async function listPage(db: Db): Promise<string> {
  const rows = await db.select().from(localMessages).orderBy(desc(localMessages.createdAt)).limit(200);
  if (rows.length === 0) return page("Outbox", "<p>Nothing sent yet. Emails and SMS that your actions cause show up here.</p>");
  const tr = rows
    .map(
      (r) =>
        `<tr><td>${new Date(r.createdAt).toISOString().replace("T", " ").slice(0, 19)}</td><td>${r.channel}</td><td>${escapeHtml(r.to)}</td>` +
        `<td><a href="/_dev/outbox/${r.id}">${escapeHtml(r.subject ?? r.text.slice(0, 80))}</a></td></tr>`,
    )
    .join("");
  return page(
    "Outbox",
    `<p>What the local providers sent (newest first, at most 200).</p><table><thead><tr><th>When (UTC)</th><th>Channel</th><th>To</th><th>Message</th></tr></thead><tbody>${tr}</tbody></table>`,
  );
}

function messagePage(m: typeof localMessages.$inferSelect): string {
  const headers = Object.entries(m.headers)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join("");
  const meta = `<table><tr><th>From</th><td>${escapeHtml(m.from)}</td></tr><tr><th>To</th><td>${escapeHtml(m.to)}</td></tr>${
    m.subject ? `<tr><th>Subject</th><td>${escapeHtml(m.subject)}</td></tr>` : ""
  }${headers}</table>`;
  // Links in the message open in a new tab, outside the sandbox.
  const body = m.html
    ? `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" title="The email as its recipient sees it" srcdoc="${escapeHtml(
        m.html.replace("<head>", '<head><base target="_blank">').replace(/^(?![\s\S]*<head>)/, '<base target="_blank">'),
      )}"></iframe><h2>Text version</h2><pre>${linkify(m.text)}</pre>`
    : `<pre>${linkify(m.text)}</pre>`;
  return page(m.channel === "email" ? "Email" : "SMS", `<p><a href="/_dev/outbox">All messages</a></p>${meta}${body}`);
}

/** Escapes text and makes its http(s) URLs clickable. */
function linkify(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}" target="_blank" rel="noopener">${url}</a>`);
}
