import type { Fetch } from "../src/index.js";

export interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

type Reply = Response | Error | ((call: Call, signal: AbortSignal | undefined) => Response | Promise<Response>);

/**
 * A fetch that answers from `replies` in order (the last one repeats) and records every call,
 * so tests count attempts and read the headers the SDK sent.
 */
export function mockFetch(...replies: Reply[]): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: Fetch = async (url, init) => {
    const call: Call = {
      url,
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)];
    if (reply === undefined) throw new Error("mockFetch needs at least one reply");
    if (reply instanceof Error) throw reply;
    if (typeof reply === "function") return reply(call, init.signal ?? undefined);
    return reply.clone();
  };
  return { fetch, calls };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** A problem+json answer like the API's. */
export function problem(status: number, code: string, headers: Record<string, string> = {}, extra: object = {}): Response {
  return new Response(
    JSON.stringify({
      type: `https://gatherkit.dev/problems/${code}`,
      title: "Error",
      status,
      detail: `Something about ${code}.`,
      code,
      requestId: "req_test0123456789",
      ...extra,
    }),
    { status, headers: { "content-type": "application/problem+json", "x-request-id": "req_test0123456789", ...headers } },
  );
}
