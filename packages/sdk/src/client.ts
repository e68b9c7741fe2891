import { GatherkitClient } from "./base-client.js";
import { type Realtime, realtimeOf } from "./realtime-client.js";
import { Auth } from "./resources/auth.js";
import { Clients } from "./resources/clients.js";
import { Events, Orders } from "./resources/events.js";
import { Invites } from "./resources/invites.js";
import { Notifications } from "./resources/notifications.js";
import { OrganizationResource } from "./resources/organization.js";
import { ParticipantTokens } from "./resources/participant-tokens.js";
import { Places } from "./resources/places.js";
import { Plans } from "./resources/plans.js";
import { PublishableKeys } from "./resources/publishable-keys.js";
import { RequestLog } from "./resources/request-log.js";
import { SecretKeys } from "./resources/secret-keys.js";
import { Uploads } from "./resources/uploads.js";
import { WebhookEndpoints } from "./resources/webhook-endpoints.js";
import type { WebhookEvent } from "./webhooks.js";

export type { ClientOptions } from "./base-client.js";

/**
 * The Gatherkit API client, for browsers, Node 22+ and Workers, with every resource.
 *
 * ```ts
 * const gk = new Gatherkit({ baseUrl: "https://api.example.com", secretKey: process.env.GATHERKIT_SECRET_KEY });
 * const key = await gk.publishableKeys.create({ name: "Site", allowedOrigins: ["https://example.com"] });
 * for await (const k of gk.secretKeys.list()) console.log(k.name);
 * ```
 */
export class Gatherkit extends GatherkitClient {
  readonly auth: Auth = new Auth(this);
  readonly organization: OrganizationResource = new OrganizationResource(this);
  readonly secretKeys: SecretKeys = new SecretKeys(this);
  readonly publishableKeys: PublishableKeys = new PublishableKeys(this);
  readonly participantTokens: ParticipantTokens = new ParticipantTokens(this);
  readonly plans: Plans = new Plans(this);
  readonly places: Places = new Places(this);
  readonly invites: Invites = new Invites(this);
  readonly events: Events = new Events(this);
  readonly orders: Orders = new Orders(this);
  readonly webhookEndpoints: WebhookEndpoints = new WebhookEndpoints(this);
  readonly requestLog: RequestLog = new RequestLog(this);
  readonly uploads: Uploads = new Uploads(this);
  /**
   * `await gk.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds?)`: verifies
   * a delivery and returns its event (see `@gatherkit/sdk/webhooks`, loaded on first use).
   */
  readonly webhooks = {
    async constructEvent<E extends WebhookEvent = WebhookEvent>(
      body: string | Uint8Array,
      header: string | null | undefined,
      secret: string,
      toleranceSeconds?: number,
    ): Promise<E> {
      return (await import("./webhooks.js")).constructEvent<E>(body, header, secret, toleranceSeconds);
    },
  };
  readonly clients: Clients = new Clients(this);
  readonly notifications: Notifications = new Notifications(this);

  /**
   * Live updates from rooms, with room tokens fetched as this client's caller:
   * `gk.realtime.subscribe("org:org_…", (event) => …)`. The connection code and partysocket
   * load on the first subscribe.
   */
  get realtime(): Realtime {
    return realtimeOf(this);
  }
}
