import type { RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type { RequestLogEntry, RequestLogListParams } from "../types.js";
import { APIResource } from "./resource.js";

/** The organization's recent API calls (request id, status, problem code), newest first. Owners and admins. */
export class RequestLog extends APIResource {
  list(params: RequestLogListParams = {}, options?: RequestOptions): PagePromise<RequestLogEntry> {
    return this._transport.list("/v1/request-log", params, options);
  }
}
