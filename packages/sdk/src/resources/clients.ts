import type { RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import type {
  Calendar,
  CalendarConnection,
  CalendarConnectionAppParams,
  CalendarConnectionAuthorizeParams,
  CalendarEvent,
  CalendarEventCreateParams,
  CalendarEventListParams,
  CalendarEventUpdateParams,
  CalendarFeed,
  CalendarFeedCreateParams,
  CalendarFeedListParams,
  CalendarJob,
  CalendarJobCreateParams,
  Client,
  ClientCreateParams,
  ClientListParams,
  ClientUpdateParams,
  IcsImportPreview,
  SendUpdates,
  SyncRule,
  SyncRuleCreateParams,
} from "../types.js";
import { APIResource, path } from "./resource.js";

/**
 * The clients an organization works for, each with a Google account connected once
 * (`connection.authorize` → Google's consent → back to `returnTo`), its calendars and their
 * events, and sync rules that push Gatherkit items (a finalized plan) to a calendar.
 */
export class Clients extends APIResource {
  readonly connection: ClientConnection = new ClientConnection(this._client);
  readonly events: ClientEvents = new ClientEvents(this._client);
  readonly syncRules: ClientSyncRules = new ClientSyncRules(this._client);
  readonly jobs: ClientJobs = new ClientJobs(this._client);
  readonly feeds: CalendarFeeds = new CalendarFeeds(this._client);

  create(params: ClientCreateParams, options?: RequestOptions): Promise<Client> {
    return this._transport.request("POST", "/v1/clients", { ...options, body: params });
  }

  retrieve(clientId: string, options?: RequestOptions): Promise<Client> {
    return this._transport.request("GET", path`/v1/clients/${clientId}`, options);
  }

  update(clientId: string, params: ClientUpdateParams, options?: RequestOptions): Promise<Client> {
    return this._transport.request("PATCH", path`/v1/clients/${clientId}`, { ...options, body: params });
  }

  /** Newest first; `q` searches names and emails. */
  list(params?: ClientListParams, options?: RequestOptions): PagePromise<Client> {
    return this._transport.list("/v1/clients", params, options);
  }

  /** Revokes the client's Google connection, then deletes the client and its sync rules. */
  async del(clientId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/clients/${clientId}`, options);
  }

  /** The connected Google account's calendars. */
  async calendars(clientId: string, options?: RequestOptions): Promise<Calendar[]> {
    return (await this._transport.request<{ data: Calendar[] }>("GET", path`/v1/clients/${clientId}/calendars`, options)).data;
  }
}

export class ClientConnection extends APIResource {
  retrieve(clientId: string, options?: RequestOptions): Promise<CalendarConnection> {
    return this._transport.request("GET", path`/v1/clients/${clientId}/connection`, options);
  }

  /** The platform's Google app, or the organization's own (its secret is write-only). */
  setApp(clientId: string, params: CalendarConnectionAppParams, options?: RequestOptions): Promise<CalendarConnection> {
    return this._transport.request("PUT", path`/v1/clients/${clientId}/connection`, { ...options, body: params });
  }

  /** Google's consent URL: send the organizer's browser there; it comes back to `returnTo`. */
  authorize(
    clientId: string,
    params: CalendarConnectionAuthorizeParams,
    options?: RequestOptions,
  ): Promise<{ url: string; expiresAt: string }> {
    return this._transport.request("POST", path`/v1/clients/${clientId}/connection/authorize`, { ...options, body: params });
  }

  /** Revokes the token at Google and deletes it. */
  async del(clientId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/clients/${clientId}/connection`, options);
  }
}

type WriteOptions = RequestOptions & {
  /** Whom Google emails about the change (default `none`). */
  sendUpdates?: SendUpdates;
};
const events = (clientId: string, calendarId: string) => path`/v1/clients/${clientId}/calendars/${calendarId}/events`;
const event = (clientId: string, calendarId: string, eventId: string) =>
  path`/v1/clients/${clientId}/calendars/${calendarId}/events/${eventId}`;
const write = (options: WriteOptions | undefined, body?: unknown) => ({ ...options, body, query: { sendUpdates: options?.sendUpdates } });

/** Events of a client's calendar (`calendarId` as Google names it, or `primary`). */
export class ClientEvents extends APIResource {
  /** A time range (`timeMin`, `timeMax`), text search (`q`), `singleEvents` to expand series. */
  list(clientId: string, calendarId: string, params?: CalendarEventListParams, options?: RequestOptions): PagePromise<CalendarEvent> {
    return this._transport.list(events(clientId, calendarId), params, options);
  }

  create(clientId: string, calendarId: string, params: CalendarEventCreateParams, options?: WriteOptions): Promise<CalendarEvent> {
    return this._transport.request("POST", events(clientId, calendarId), write(options, params));
  }

  retrieve(clientId: string, calendarId: string, eventId: string, options?: RequestOptions): Promise<CalendarEvent> {
    return this._transport.request("GET", event(clientId, calendarId, eventId), options);
  }

  /** PATCH semantics; an occurrence's id changes only that occurrence. */
  update(
    clientId: string,
    calendarId: string,
    eventId: string,
    params: CalendarEventUpdateParams,
    options?: WriteOptions,
  ): Promise<CalendarEvent> {
    return this._transport.request("PATCH", event(clientId, calendarId, eventId), write(options, params));
  }

  async del(clientId: string, calendarId: string, eventId: string, options?: WriteOptions): Promise<void> {
    await this._transport.request("DELETE", event(clientId, calendarId, eventId), write(options));
  }

  /** Imports an .ics file's text into the calendar as a bulk job (poll `jobs.retrieve`); the same UIDs again update, not duplicate. */
  import(clientId: string, calendarId: string, ics: string, options?: RequestOptions): Promise<CalendarJob> {
    return this._transport.request("POST", `${events(clientId, calendarId)}.ics`, { ...options, body: { ics } });
  }

  /** What `import` would do with the file (each row's title and start, or why it would fail), writing nothing. */
  importPreview(clientId: string, calendarId: string, ics: string, options?: RequestOptions): Promise<IcsImportPreview> {
    return this._transport.request("POST", `${events(clientId, calendarId)}.ics/preview`, { ...options, body: { ics } });
  }
}

/** Subscribe URLs for calendar apps (an event's schedule, a place's bookings, a guest's sessions), revocable and rotatable. */
export class CalendarFeeds extends APIResource {
  /** The answer's `url` is shown once (stored as a digest). */
  create(params: CalendarFeedCreateParams, options?: RequestOptions): Promise<CalendarFeed> {
    return this._transport.request("POST", "/v1/calendar-feeds", { ...options, body: params });
  }

  list(params?: CalendarFeedListParams, options?: RequestOptions): PagePromise<CalendarFeed> {
    return this._transport.list("/v1/calendar-feeds", params, options);
  }

  /** A new URL; the old one answers 410. */
  rotate(feedId: string, options?: RequestOptions): Promise<CalendarFeed> {
    return this._transport.request("POST", path`/v1/calendar-feeds/${feedId}/rotate`, options);
  }

  async revoke(feedId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/calendar-feeds/${feedId}`, options);
  }
}

export class ClientSyncRules extends APIResource {
  create(clientId: string, params: SyncRuleCreateParams, options?: RequestOptions): Promise<SyncRule> {
    return this._transport.request("POST", path`/v1/clients/${clientId}/sync-rules`, { ...options, body: params });
  }

  async list(clientId: string, options?: RequestOptions): Promise<SyncRule[]> {
    return (await this._transport.request<{ data: SyncRule[] }>("GET", path`/v1/clients/${clientId}/sync-rules`, options)).data;
  }

  async del(clientId: string, ruleId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", path`/v1/clients/${clientId}/sync-rules/${ruleId}`, options);
  }
}

/** Bulk jobs on a client's calendars, run in the background; poll `retrieve` for progress. */
export class ClientJobs extends APIResource {
  create(clientId: string, params: CalendarJobCreateParams, options?: RequestOptions): Promise<CalendarJob> {
    return this._transport.request("POST", path`/v1/clients/${clientId}/jobs`, { ...options, body: params });
  }

  /** Newest first. */
  list(clientId: string, params?: { limit?: number; cursor?: string }, options?: RequestOptions): PagePromise<CalendarJob> {
    return this._transport.list(path`/v1/clients/${clientId}/jobs`, params, options);
  }

  retrieve(clientId: string, jobId: string, options?: RequestOptions): Promise<CalendarJob> {
    return this._transport.request("GET", path`/v1/clients/${clientId}/jobs/${jobId}`, options);
  }
}
