import type { ListParams, RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type {
  CreatedWebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointUpdateParams,
  WebhookSecretRotateParams,
} from "../types.js";
import { APIResource, path } from "./resource.js";

/**
 * Where the organization receives signed events (`plan.finalized`, …). Staff or a secret key.
 * Verify what arrives with `gk.webhooks.constructEvent` (or `@gatherkit/sdk/webhooks`).
 */
export class WebhookEndpoints extends APIResource {
  /** Creates an endpoint. Its signing `secret` is in this response only: store it now. */
  create(params: WebhookEndpointCreateParams, options?: RequestOptions): Promise<CreatedWebhookEndpoint> {
    return this._transport.request("POST", "/v1/webhook-endpoints", { ...options, body: params });
  }

  retrieve(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this._transport.request("GET", path`/v1/webhook-endpoints/${id}`, options);
  }

  list(params?: ListParams, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return this._transport.list("/v1/webhook-endpoints", params, options);
  }

  /** Changes its URL, event types or description, or `status` (`disabled`, or `enabled` again). */
  update(id: string, params: WebhookEndpointUpdateParams, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this._transport.request("PATCH", path`/v1/webhook-endpoints/${id}`, { ...options, body: params });
  }

  del(id: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return this._transport.request("DELETE", path`/v1/webhook-endpoints/${id}`, options);
  }

  /** A new signing secret (in this response only); the old one also signs for `overlapSeconds` (default a day). */
  rotateSecret(id: string, params: WebhookSecretRotateParams = {}, options?: RequestOptions): Promise<CreatedWebhookEndpoint> {
    return this._transport.request("POST", path`/v1/webhook-endpoints/${id}/rotate-secret`, { ...options, body: params });
  }

  /** The endpoint's delivery attempts of the last 30 days, newest first (`status`: only those that succeeded or failed). */
  listDeliveries(
    id: string,
    params?: ListParams & { status?: WebhookDeliveryStatus },
    options?: RequestOptions,
  ): PagePromise<WebhookDelivery> {
    return this._transport.list(path`/v1/webhook-endpoints/${id}/deliveries`, params, options);
  }

  /** Sends a delivery's event to the endpoint again (same event id). */
  resend(id: string, deliveryId: string, options?: RequestOptions): Promise<{ eventId: string; endpointId: string; queued: true }> {
    return this._transport.request("POST", path`/v1/webhook-endpoints/${id}/deliveries/${deliveryId}/resend`, options);
  }

  /** Queues a `webhook_endpoint.test` event for this endpoint only. */
  sendTest(id: string, options?: RequestOptions): Promise<{ eventId: string; endpointId: string; queued: true }> {
    return this._transport.request("POST", path`/v1/webhook-endpoints/${id}/test`, options);
  }
}
