import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { SplitRouter, staticPrefix, under } from "./router.js";

// Routes shaped like the API's: middleware for everything and for /v1, static and parameterized
// routes, and the pair RegExpRouter refuses (a parameter beside a static segment).
const ROUTES: [string, string][] = [
  ["ALL", "*"],
  ["ALL", "/v1/*"],
  ["GET", "/v1/health"],
  ["GET", "/v1/plans"],
  ["POST", "/v1/plans"],
  ["GET", "/v1/plans/:planId"],
  ["PATCH", "/v1/plans/:planId"],
  ["GET", "/v1/plans/:planId/messages"],
  ["GET", "/v1/inbox"],
  ["POST", "/v1/inbox/read-all"],
  ["POST", "/v1/inbox/:inboxItemId/read"],
  ["ALL", "/v1/inbox/*"],
  ["GET", "/dashboard/*"],
];

const PATHS: [string, string][] = [
  ["GET", "/v1/health"],
  ["GET", "/v1/plans"],
  ["POST", "/v1/plans"],
  ["GET", "/v1/plans/plan_1"],
  ["PATCH", "/v1/plans/plan_1"],
  ["GET", "/v1/plans/plan_1/messages"],
  ["GET", "/v1/inbox"],
  ["POST", "/v1/inbox/read-all"],
  ["POST", "/v1/inbox/inb_1/read"],
  ["GET", "/v1/inbox/inb_1/read"],
  ["GET", "/v1"],
  ["GET", "/v1/nope"],
  ["GET", "/dashboard/app.js"],
  ["GET", "/"],
];

/** What a match found, whatever the router's result format: each handler with its params. */
function found(router: SplitRouter<string> | TrieRouter<string>, method: string, path: string) {
  const [handlers, stash] = router.match(method, path) as [[string, Record<string, unknown>][], unknown[] | undefined];
  return handlers.map(([h, params]) => {
    const values = stash ? Object.fromEntries(Object.entries(params).map(([k, i]) => [k, stash[i as number]])) : params;
    return [h, values];
  });
}

describe("the app's router", () => {
  it("finds what hono's trie finds, for every path, beside a route RegExpRouter refuses", () => {
    const split = new SplitRouter<string>();
    const trie = new TrieRouter<string>();
    for (const [m, p] of ROUTES) {
      split.add(m, p, `${m} ${p}`);
      trie.add(m, p, `${m} ${p}`);
    }
    for (const [m, p] of PATHS) expect(found(split, m, p), `${m} ${p}`).toEqual(found(trie, m, p));
    // The refused prefix alone goes to the trie; everything else to the regular expressions.
    expect(split.name).toBe("SplitRouter (RegExpRouter; TrieRouter under /v1/inbox/)");
  });

  it("serves a Hono app: parameters and the refused pair answer as before", async () => {
    const app = new Hono({ router: new SplitRouter() });
    app.post("/v1/inbox/read-all", (c) => c.text("all"));
    app.post("/v1/inbox/:inboxItemId/read", (c) => c.text(`one ${c.req.param("inboxItemId")}`));
    app.get("/v1/plans/:planId", (c) => c.text(`plan ${c.req.param("planId")}`));
    expect(await (await app.request("/v1/inbox/read-all", { method: "POST" })).text()).toBe("all");
    expect(await (await app.request("/v1/inbox/inb_7/read", { method: "POST" })).text()).toBe("one inb_7");
    expect(await (await app.request("/v1/plans/plan_9")).text()).toBe("plan plan_9");
    expect((await app.request("/v1/plans")).status).toBe(404);
  });

  it("sets a refused static route apart when it is the one refused", () => {
    const split = new SplitRouter<string>();
    const trie = new TrieRouter<string>();
    for (const [m, p] of [
      ["GET", "/:a"],
      ["GET", "/x"],
    ] as const) {
      split.add(m, p, p);
      trie.add(m, p, p);
    }
    for (const p of ["/x", "/xy", "/y"]) expect(found(split, "GET", p), p).toEqual(found(trie, "GET", p));
    expect(split.name).toBe("SplitRouter (RegExpRouter; TrieRouter under /x)");
  });

  it("answers everything from the trie when the refused route has no static prefix", () => {
    const split = new SplitRouter<string>();
    split.add("GET", "/x", "static");
    split.add("GET", "/:a", "param");
    expect(found(split, "GET", "/x")).toEqual([
      ["static", {}],
      ["param", { a: "x" }],
    ]);
    expect(split.name).toBe("SplitRouter (TrieRouter)");
  });

  it("takes a route's static prefix up to its first parameter or wildcard", () => {
    expect(staticPrefix("/v1/inbox/:id/read")).toBe("/v1/inbox/");
    expect(staticPrefix("/v1/*")).toBe("/v1/");
    expect(staticPrefix("/v1/health")).toBe("/v1/health");
  });

  it("counts the prefix without its slash as under it (a tail wildcard matches it)", () => {
    expect(under("/v1/inbox", "/v1/inbox/")).toBe(true);
    expect(under("/v1/inbox/x", "/v1/inbox/")).toBe(true);
    expect(under("/v1/inbo", "/v1/inbox/")).toBe(false);
    expect(under("/v1/inboxes", "/v1/inbox/")).toBe(false);
  });
});
