import type { ChatMessage, Plan } from "@gatherkit/core";
import { describe, expect, it } from "vitest";
import { onWorker } from "../../../../test/runtimes.js";

/**
 * A chat message's rate-limit count runs in the message's own batch (an upsert, then the message
 * inserted only while the count is within the limit, then its outbox row guarded by `changes()`).
 * The in-process tests run that on libSQL; this runs it on the Worker under `wrangler dev` with
 * D1, concurrently. The window is a day so that a run never straddles two windows.
 */
const { send, ok, signUp } = onWorker({ CHAT_RATE_LIMIT_MAX: "5", WRITE_RATE_LIMIT_WINDOW_SECONDS: "86400" });

describe("chat on Workers with D1", () => {
  it("lets exactly the limit's concurrent posts through, writes none of the refused ones, and leaves another participant alone", async () => {
    const { secret } = await signUp("D1 Chat");
    const person = async (name: string) =>
      ok<{ token: string }>(send("POST", "/v1/participant-tokens", secret, { externalId: `chat-${name}`, name }), 201);
    const newPlan = async (token: string) =>
      ok<Plan>(
        send("POST", "/v1/plans", token, {
          type: "trip",
          title: "Porto",
          timeZone: "Europe/Lisbon",
          currency: "EUR",
          startDate: "2030-07-01",
          endDate: "2030-07-04",
        }),
        201,
      );
    const [ada, bob] = [await person("Ada"), await person("Bob")];
    const [adas, bobs] = [await newPlan(ada.token), await newPlan(bob.token)];

    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send<{ code?: string }>("POST", `/v1/plans/${adas.id}/messages`, ada.token, { body: `race ${i}` }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(5);
    expect(answers.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code])).toEqual(Array(7).fill([429, "rate_limited"]));
    const stored = await ok<{ data: ChatMessage[] }>(send("GET", `/v1/plans/${adas.id}/messages`, ada.token), 200);
    const accepted = answers.flatMap((r, i) => (r.status === 201 ? [`race ${i}`] : []));
    expect(stored.data.map((m) => m.body).sort()).toEqual(accepted.sort());

    // The control: Bob's budget is his own.
    await ok(send("POST", `/v1/plans/${bobs.id}/messages`, bob.token, { body: "hello" }), 201);
  });
});
