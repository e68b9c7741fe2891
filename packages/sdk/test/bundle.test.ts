import { expect, it } from "vitest";
import { bundle } from "./bundle.js";

/** Budgets in bytes of min+gzip (issue 8; the same as bench/sizes.mjs): the whole SDK within 12 KB, realtime on demand within 4 KB. */
const KB = 1024;
// Budgets follow the SDK row of bench/sizes.mjs (see there what each resource added).
// h-tickets: +225 B min+gzip (ticketing, waiting list); h-integrations: gk.uploads and gk.auth.sso (+~0.19 KB): 7.3 KB before both.
// Measured additions from 8020 B: h-tdash +40 B (leaveWaitlist, discountCodes.update/del, paginated
// list), h-guests +50 B (gk.events.guests.import/export), h-dash +32 B (places.occupancy, plans.activity),
// h-calendars +90 B (gk.clients.events.import, gk.clients.feeds), h-notify +45 B (notification(id),
// suppressions, reviews.deleteReply), h-cal2 +18 B (gk.clients.events.importPreview; 8297 → 8315 B), h-live +13 B (gk.organization.overview; 8328 B),
// h-evedit +11 B (gk.events.quotas.update/del; 8328 → 8339 B).
// h-dashplans +28 B (gk.plans.expenses.update, gk.plans.messages.hide/unhide; 8339 → 8367 B), h-rsvp2 +16 B
// (gk.events.guests.rotateLink): 8.15 → 8.19 KB.
// rooms (issue 8, the `presence_delta` message and `?presence=delta`): realtime 3826 → 3892 B measured
// (+66 B), budget +8 B; up front 8385 → 8387 B (+2 B: only the realtime chunk's hashed name in the
// import() changed), budget +1 B.
const BUDGET = { eager: 8.19 * KB + 1, realtime: 3.8 * KB + 8, everything: 12 * KB };

const isOwn = (input: string) => /^src\//.test(input);
const isRuntimeSchemaCode = (input: string) => /[/\\](zod|@gatherkit[/\\]core|core[/\\]src)[/\\]/.test(input);

it("ships only the SDK's own code up front: types from @gatherkit/core, no zod, no partysocket, no Node built-ins", async () => {
  const { eager } = await bundle("../src/index.ts");
  expect(eager.inputs.length).toBeGreaterThan(5);
  for (const input of eager.inputs) expect(input).toMatch(/^src\//);
  expect(eager.inputs).not.toContain("src/realtime-connection.ts");
  expect(eager.code).not.toMatch(/(from|import)\s*"(node:|zod|partysocket|@gatherkit\/core)/);
  expect(eager.gzip).toBeLessThan(BUDGET.eager);
});

it("loads realtime (the connection and partysocket) on the first subscribe, within its budget, never the schemas", async () => {
  const { eager, lazy } = await bundle("../src/index.ts");
  // Three chunks on demand: realtime, webhook signature checks (gk.webhooks.constructEvent) and
  // sending a file to storage (gk.uploads.upload).
  expect(lazy).toHaveLength(3);
  const realtime = lazy.find((chunk) => chunk.inputs.includes("src/realtime-connection.ts"))!;
  const webhooks = lazy.find((chunk) => chunk.inputs.includes("src/webhooks.ts"))!;
  const put = lazy.find((chunk) => chunk.inputs.includes("src/upload-put.ts"))!;
  expect(webhooks.inputs).toEqual(["src/webhooks.ts"]);
  expect(put.inputs).toEqual(["src/upload-put.ts"]);
  expect(eager.inputs).not.toContain("src/webhooks.ts");
  expect(eager.inputs).not.toContain("src/upload-put.ts");
  expect(realtime.inputs).toContain("src/realtime-connection.ts");
  expect(realtime.inputs.some((i) => i.includes("partysocket"))).toBe(true);
  for (const input of [...eager.inputs, ...realtime.inputs]) expect(isRuntimeSchemaCode(input), input).toBe(false);
  expect(realtime.gzip).toBeLessThan(BUDGET.realtime);
  expect(eager.gzip + realtime.gzip).toBeLessThan(BUDGET.everything);
});

it("is tree-shakeable per resource: a page that builds only Plans over a GatherkitClient ships no other resource", async () => {
  const { eager } = await bundle({
    contents: `import { GatherkitClient, Plans } from "../src/index.js";
      export const plans = new Plans(new GatherkitClient({ baseUrl: "https://api.example.com", token: "gk_pt_x" }));`,
  });
  const own = eager.inputs.filter(isOwn);
  expect(own).toContain("src/resources/plans.ts");
  for (const other of [
    "auth",
    "organization",
    "secret-keys",
    "publishable-keys",
    "participant-tokens",
    "invites",
    "events",
    "places",
    "notifications",
  ]) {
    expect(own).not.toContain(`src/resources/${other}.ts`);
  }
  expect(own).not.toContain("src/client.ts");
  const all = await bundle("../src/index.ts");
  expect(eager.gzip).toBeLessThan(all.eager.gzip);
});
