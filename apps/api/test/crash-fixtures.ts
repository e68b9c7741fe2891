import { createApp } from "../src/app.js";
import type { TestApp } from "./harness.js";

/**
 * The crash of test/sealed-*.test.ts: the app over a db whose first batch carrying an
 * Idempotency-Key's guard (the request's own write) commits and then throws, once armed — so the
 * request dies right after its effect committed, before it could answer.
 *
 *   const crash = crashable(t);
 *   crash.arm();
 *   await crash.send("POST", path, token, body, key);   // 500
 *   expect(crash.fired).toBe(true);                       // the request made a guarded write
 */

interface Session {
  batch(items: { _prepare(): { query?: { sql?: string } } }[]): Promise<unknown[]>;
}

export function crashable(t: TestApp) {
  let armed = false;
  const root = t.deps.db;
  const session = (root as unknown as { session: Session }).session;
  const crashing = new Proxy(session, {
    get(target, prop, receiver) {
      if (prop !== "batch") return Reflect.get(target, prop, receiver);
      return async (items: Parameters<Session["batch"]>[0]) => {
        const results = await target.batch(items);
        const guarded = items[0]?._prepare().query?.sql?.includes("idempotency_keys");
        if (armed && guarded) {
          armed = false;
          throw new Error("the process died right after the write committed");
        }
        return results;
      };
    },
  });
  const db = new Proxy(root, { get: (target, prop, receiver) => (prop === "session" ? crashing : Reflect.get(target, prop, receiver)) });
  const app = createApp({ ...t.deps, db });
  return {
    /** Crash right after the next guarded write. */
    arm() {
      armed = true;
    },
    /** Whether the armed crash happened (a guarded write ran since `arm`). */
    get fired() {
      return !armed;
    },
    send(method: string, path: string, token: string | undefined, body: unknown, key: string, headers: Record<string, string> = {}) {
      return app.fetch(
        new Request(`http://api.test${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            "idempotency-key": key,
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
  };
}

/** The creates test/sealed-answers.test.ts crashes and retries (it checks this list against its cases). */
export const SEALED_CREATES = [
  "plans.create",
  "plans.messages.create",
  "plans.proposals.create",
  "plans.invites.create",
  "plans.expenses.create",
  "plans.payments.create",
  "publishableKeys.create",
  "webhookEndpoints.create",
  "secretKeys.create",
  "events.create",
  "events.ticketTypes.create",
  "events.quotas.create",
  "events.discountCodes.create",
  "events.checkinLists.create",
  "events.sessions.create",
  "events.guests.create",
  "places.create",
  "places.bookings.create",
  "places.reviews.create",
  "participantTokens.create",
  "events.orders.create",
];
