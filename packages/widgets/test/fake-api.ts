import { type Fetch, Gatherkit } from "@gatherkit/sdk";

/** A request the widget made, waiting for the test to answer it. */
export interface PendingRequest {
  url: URL;
  init: RequestInit;
  /** Answers with JSON (problem+json for statuses ≥ 400 when the body has a `code`). */
  respond(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Fails like a network error (`TypeError: Failed to fetch`). */
  fail(): void;
}

/**
 * A `fetch` whose responses the test hands out one by one, so every intermediate state
 * (loading, then loaded or failed) can be observed without timers.
 */
export class FakeApi {
  readonly requests: PendingRequest[] = [];
  #waiting: ((r: PendingRequest) => void)[] = [];
  #unclaimed: PendingRequest[] = [];

  readonly fetch: Fetch = (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const request: PendingRequest = {
        url: new URL(input),
        init,
        respond: (status, body, headers = {}) => {
          const problem = status >= 400 && typeof body === "object" && body !== null && "code" in body;
          resolve(
            new Response(body === undefined ? null : JSON.stringify(body), {
              status,
              headers: {
                "content-type": problem ? "application/problem+json" : "application/json",
                "x-request-id": "req_test",
                ...headers,
              },
            }),
          );
        },
        fail: () => reject(new TypeError("Failed to fetch")),
      };
      init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      this.requests.push(request);
      const waiter = this.#waiting.shift();
      if (waiter) waiter(request);
      else this.#unclaimed.push(request);
    });

  /** The next request the widget sends (already sent, or the next one to come). */
  next(): Promise<PendingRequest> {
    const r = this.#unclaimed.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** A client that sends through this fake and never retries, so one failure is one request. */
  client(options: { publishableKey?: string } = {}): Gatherkit {
    return new Gatherkit({
      baseUrl: "https://api.test",
      publishableKey: options.publishableKey ?? "gk_pk_test",
      fetch: this.fetch,
      maxRetries: 0,
    });
  }
}

export const HEALTH = { status: "ok", version: "1.2.3", runtime: "node", time: "2026-01-01T00:00:00.000Z" } as const;

export const problem = (status: number, code: string, detail: string) => ({
  type: `https://gatherkit.dev/problems/${code}`,
  title: "Error",
  status,
  detail,
  code,
  requestId: "req_test",
});
