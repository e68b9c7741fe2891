/**
 * Where a webhook may be sent: the SSRF rule. A URL is refused when it is not HTTPS or when its
 * host is, or resolves to, a private, loopback, link-local, unique-local, CGNAT, multicast or
 * otherwise non-public address — unless the deployment allows them (the embedded default, so a
 * receiver on the same machine works). The check runs when an endpoint is saved and again before
 * each delivery (the name may have been pointed elsewhere since).
 */

/** Why `url` may not receive webhooks, or null when it may. */
export async function webhookUrlRefusal(
  url: string,
  opts: { allowPrivate: boolean; resolveHost?: (hostname: string) => Promise<string[]> },
): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (u.protocol !== "https:" && !(opts.allowPrivate && u.protocol === "http:")) return "must use https";
  if (u.username || u.password) return "must not carry a user name or password";
  if (opts.allowPrivate) return null;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal") ||
    (!host.includes(".") && !host.includes(":"))
  ) {
    return `names a local host (${host})`;
  }
  let addresses: string[];
  if (isIpLiteral(host)) addresses = [host];
  else if (opts.resolveHost) {
    try {
      addresses = await opts.resolveHost(host);
    } catch {
      return `does not resolve (${host})`;
    }
    if (addresses.length === 0) return `does not resolve (${host})`;
  } else addresses = [];
  const bad = addresses.find(isNonPublicAddress);
  return bad ? `resolves to a private or reserved address (${bad})` : null;
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

/** Whether an IPv4 or IPv6 address is anything but a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const a = address
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  if (a.includes(":")) return isNonPublicV6(a);
  const parts = a.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return true;
  const [x, y] = parts as [number, number, number, number];
  return (
    x === 0 || // "this" network
    x === 10 ||
    x === 127 ||
    (x === 100 && y >= 64 && y <= 127) || // CGNAT
    (x === 169 && y === 254) || // link-local, cloud metadata
    (x === 172 && y >= 16 && y <= 31) ||
    (x === 192 && y === 168) ||
    (x === 192 && y === 0 && parts[2] === 0) || // IETF protocol assignments
    (x === 192 && y === 0 && parts[2] === 2) || // TEST-NET-1
    (x === 198 && (y === 18 || y === 19)) || // benchmarking
    (x === 198 && y === 51 && parts[2] === 100) || // TEST-NET-2
    (x === 203 && y === 0 && parts[2] === 113) || // TEST-NET-3
    x >= 224 // multicast, reserved, broadcast
  );
}

function isNonPublicV6(a: string): boolean {
  const groups = expandV6(a);
  if (!groups) return true;
  const [g0, , , , , g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (groups.every((g) => g === 0)) return true; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && g7 === 1) return true; // ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible: judge the IPv4 address inside.
  if (groups.slice(0, 5).every((g) => g === 0) && (g5 === 0xffff || g5 === 0)) {
    return isNonPublicAddress(`${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`);
  }
  if (g0 === 0x64 && groups[1] === 0xff9b) return isNonPublicAddress(`${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`); // NAT64
  return (
    (g0 & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (g0 & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (g0 & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (g0 & 0xff00) === 0xff00 || // multicast
    (g0 === 0x2001 && groups[1] === 0xdb8) // documentation
  );
}

function expandV6(a: string): number[] | null {
  let s = a;
  // A trailing dotted IPv4 part becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1]) {
    const p = v4[1].split(".").map(Number);
    s = `${s.slice(0, -v4[1].length)}${(((p[0] ?? 0) << 8) | (p[1] ?? 0)).toString(16)}:${(((p[2] ?? 0) << 8) | (p[3] ?? 0)).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const out = all.map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  return out.some(Number.isNaN) ? null : out;
}
