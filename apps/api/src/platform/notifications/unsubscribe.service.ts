import { z } from "@gatherkit/core";
import { notificationPreferences } from "@gatherkit/db";
import { ApiError } from "../../lib/errors.js";
import { rerunOnRetry } from "../../lib/idempotent-writes.js";
import { email, type OutboxMessage } from "../../lib/outbox.js";
import type { Config, Deps } from "../../lib/types.js";

/** What signing a link needs. */
type Signing = { config: Pick<Config, "jwtSecret" | "publicUrl"> };

import { escapeHtml, isTransactional, type NotificationKind, renderNotification, type TemplateData } from "./templates.js";
import { b64url } from "./webpush.js";

/** What an unsubscribe link turns off: one kind of email to one recipient of one organization. */
const LinkSchema = z.object({ o: z.string().min(1), r: z.string().min(1), k: z.string().min(1) });
type Link = { orgId: string; recipient: string; kind: string };

const enc = new TextEncoder();
async function hmacKey(deps: Signing) {
  // Its own key, derived from the JWT secret, so a link's signature is never valid as anything else.
  const material = enc.encode(`gatherkit unsubscribe v1:${deps.config.jwtSecret}`);
  return crypto.subtle.importKey("raw", material as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** `<payload>.<HMAC-SHA256>`, both base64url; no expiry (an old email's link keeps working). */
export async function unsubscribeToken(deps: Signing, link: Link): Promise<string> {
  const payload = b64url.encode(enc.encode(JSON.stringify({ o: link.orgId, r: link.recipient, k: link.kind })));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(deps), enc.encode(payload) as BufferSource));
  return `${payload}.${b64url.encode(sig)}`;
}

const invalid = () =>
  new ApiError(400, "unsubscribe_link_invalid", "This unsubscribe link is not one we sent (it may have been cut or changed).");

export async function readUnsubscribeToken(deps: Signing, token: string): Promise<Link> {
  const [payload, sig, extra] = token.split(".");
  if (!payload || !sig || extra !== undefined) throw invalid();
  let ok = false;
  let parsed: z.infer<typeof LinkSchema> | undefined;
  try {
    ok = await crypto.subtle.verify("HMAC", await hmacKey(deps), b64url.decode(sig) as BufferSource, enc.encode(payload) as BufferSource);
    parsed = LinkSchema.parse(JSON.parse(new TextDecoder().decode(b64url.decode(payload))));
  } catch {
    throw invalid();
  }
  if (!ok || !parsed) throw invalid();
  return { orgId: parsed.o, recipient: parsed.r, kind: parsed.k };
}

export const unsubscribeUrl = async (deps: Signing, link: Link) =>
  `${deps.config.publicUrl.replace(/\/+$/, "")}/v1/unsubscribe/${await unsubscribeToken(deps, link)}`;

/**
 * The outbox message of a templated email to `to`: rendered from `kind`'s template with a
 * one-click unsubscribe (RFC 8058: `List-Unsubscribe` with the link, `List-Unsubscribe-Post`)
 * unless the kind is transactional. `recipient` is whose preference it is (a person id, or the
 * address itself for someone who is no one's participant yet).
 */
export async function templatedEmail<K extends NotificationKind>(
  deps: Pick<Deps, "config">,
  m: { orgId: string; to: string; recipient?: string; kind: K; data: TemplateData<K>; locale?: string; extra?: Record<string, unknown> },
): Promise<OutboxMessage> {
  const link = isTransactional(m.kind)
    ? undefined
    : await unsubscribeUrl(deps, { orgId: m.orgId, recipient: m.recipient ?? m.to, kind: m.kind });
  const rendered = renderNotification(m.kind, m.data, { locale: m.locale, unsubscribeUrl: link });
  return email({
    to: m.to,
    ...rendered.email,
    ...(link ? { headers: { "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } } : {}),
    template: m.kind,
    data: { ...m.extra, recipient: m.recipient ?? m.to },
  });
}

/** Records the opt-out the link names (again is fine). */
export async function unsubscribe(deps: Deps, token: string): Promise<Link> {
  const link = await readUnsubscribeToken(deps, token);
  // Again is fine: a retry after a crash simply runs again.
  rerunOnRetry(deps);
  await deps.db
    .insert(notificationPreferences)
    .values({ orgId: link.orgId, recipient: link.recipient, kind: link.kind, channel: "email", optedOutAt: deps.now() })
    .onConflictDoNothing();
  return link;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** GET shows a button (mail scanners follow GET links; only the POST unsubscribes). */
export const confirmPage = (kind: string) =>
  page(
    "Unsubscribe",
    `<p>Stop emails about <strong>${escapeHtml(kind.replace(/_/g, " "))}</strong>?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
export const donePage = (kind: string) =>
  page("Unsubscribed", `<p>You will get no more emails about ${escapeHtml(kind.replace(/_/g, " "))}.</p>`);
