import type { Client } from "@gatherkit/core";
import { expectStatus, newOrg, type TestOrg } from "./fixtures.js";
import { startGoogleStandIn } from "./google-standin.js";
import { call, createTestApp, type TestApp } from "./harness.js";

export const RETURN_TO = "https://dashboard.example/clients?tab=calendar";

export async function newClient(t: TestApp, org: TestOrg, body: Record<string, unknown> = {}): Promise<Client> {
  return expectStatus<Client>(
    await call(t, "POST", "/v1/clients", { token: org.secretKey, body: { name: "Acme Events", email: "ops@acme.example", ...body } }),
    201,
  );
}

/** Starts a connection as `token` and follows the stand-in's consent: the callback path and query Google would send the browser to. */
export async function consent(t: TestApp, token: string, clientId: string, returnTo = RETURN_TO): Promise<string> {
  const { url } = expectStatus<{ url: string }>(
    await call(t, "POST", `/v1/clients/${clientId}/connection/authorize`, { token, body: { returnTo } }),
    200,
  );
  const res = await fetch(url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`the stand-in's consent answered ${res.status}`);
  const back = new URL(location);
  return `${back.pathname}${back.search}`;
}

/** A client connected to the stand-in's Google account by the organization's owner. */
export async function connectedClient(t: TestApp, org: TestOrg): Promise<Client> {
  const client = await newClient(t, org);
  const callback = await consent(t, org.ownerToken, client.id);
  const r = await call(t, "GET", callback, { token: org.ownerToken });
  if (r.status !== 302 || !r.headers.get("location")?.includes("calendar_connection=connected")) {
    throw new Error(`callback answered ${r.status} ${r.headers.get("location")} ${JSON.stringify(r.body)}`);
  }
  return client;
}

/**
 * What the calendars tests start from: an app on a Google stand-in, two organizations, and the
 * first one's client connected (the stand-in's account).
 */
export async function calendarApp() {
  const g = await startGoogleStandIn();
  const t = await createTestApp({ env: g.env });
  const org = await newOrg(t);
  const other = await newOrg(t);
  const client = await connectedClient(t, org);
  return {
    g,
    t,
    org,
    other,
    client,
    close: async () => {
      t.close();
      await g.close();
    },
  };
}
export type CalendarApp = Awaited<ReturnType<typeof calendarApp>>;
