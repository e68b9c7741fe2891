import type {
  CreateEventSessionSchema,
  CreateGuestSchema,
  EventSession,
  Guest,
  GuestListQuery,
  GuestWithLink,
  ImportGuestsSchema,
  ImportReport,
  Invitation,
  RegisterSchema,
  Registration,
  RemindSchema,
  RsvpChange,
  RsvpSchema,
  RsvpSettings,
  SendInvitationsSchema,
  SendResult,
  UpdateEventSessionSchema,
  UpdateGuestSchema,
  UpdateRsvpSettingsSchema,
  z,
} from "@gatherkit/core";
import type { RequestOptions } from "../core.js";
import type { PagePromise } from "../pagination.js";
import { realtimeOf, type SubscribeHandlers, type Subscription } from "../realtime-client.js";
import type { TicketedEventMessage } from "../types.js";
import { APIResource, path } from "./resource.js";

export type { EventSession, Guest, GuestWithLink, ImportReport, Invitation, Registration, RsvpChange, RsvpSettings, SendResult };
export type GuestCreateParams = z.input<typeof CreateGuestSchema>;
export type GuestUpdateParams = z.input<typeof UpdateGuestSchema>;
/** `limit`, `cursor` and an optional `status` (`invited`: who has not answered). */
export type GuestListParams = Partial<GuestListQuery>;
export type RsvpParams = z.input<typeof RsvpSchema>;
/** `csv` with a header row; `mode`: `preview` (default, writes nothing), `all_or_nothing` or `valid_rows`. */
export type GuestImportParams = z.input<typeof ImportGuestsSchema>;
export type RegisterParams = z.input<typeof RegisterSchema>;
export type RsvpSettingsUpdateParams = z.input<typeof UpdateRsvpSettingsSchema>;
export type SendInvitationsParams = z.input<typeof SendInvitationsSchema>;
export type RemindParams = z.input<typeof RemindSchema>;
export type SessionCreateParams = z.input<typeof CreateEventSessionSchema>;
export type SessionUpdateParams = z.input<typeof UpdateEventSessionSchema>;

const g = (eventId: string) => path`/v1/events/${eventId}`;

type Data<T extends TicketedEventMessage["type"]> = Extract<TicketedEventMessage, { type: T }>["data"];
export type Headcount = Data<"event.headcount_changed">;
export interface GuestSubscribeHandlers extends SubscribeHandlers {
  /** An RSVP changed the headcount: `yes` (confirmed guests and plus-ones), `maybe`, `no`, `waitlisted`, `capacity`. */
  onHeadcountChanged?: (data: Headcount, meta: { seq: number }) => void;
  /** A session was added, edited, removed, or its sign-ups changed (`signedUp` null: removed). */
  onAgendaChanged?: (data: Data<"event.agenda_changed">, meta: { seq: number }) => void;
}

/**
 * An event's guests and RSVP: `gk.events.guests.create(eventId, { name, email })` (organizers),
 * `gk.events.guests.register(eventId, …)` (a page's publishable key) and, with a guest's personal
 * token, `invitation` / `answer` (no key needed).
 */
export class Guests extends APIResource {
  settings(eventId: string, options?: RequestOptions): Promise<RsvpSettings> {
    return this._transport.request("GET", `${g(eventId)}/rsvp`, options);
  }

  /** Registration mode, headcount limit, plus-ones, deadline, invitation page. */
  updateSettings(eventId: string, params: RsvpSettingsUpdateParams, options?: RequestOptions): Promise<RsvpSettings> {
    return this._transport.request("PATCH", `${g(eventId)}/rsvp`, { ...options, body: params });
  }

  create(eventId: string, params: GuestCreateParams, options?: RequestOptions): Promise<GuestWithLink> {
    return this._transport.request("POST", `${g(eventId)}/guests`, { ...options, body: params });
  }

  retrieve(eventId: string, guestId: string, options?: RequestOptions): Promise<GuestWithLink> {
    return this._transport.request("GET", `${g(eventId)}${path`/guests/${guestId}`}`, options);
  }

  update(eventId: string, guestId: string, params: GuestUpdateParams, options?: RequestOptions): Promise<GuestWithLink> {
    return this._transport.request("PATCH", `${g(eventId)}${path`/guests/${guestId}`}`, { ...options, body: params });
  }

  list(eventId: string, params?: GuestListParams, options?: RequestOptions): PagePromise<Guest> {
    return this._transport.list(`${g(eventId)}/guests`, params, options);
  }

  async del(eventId: string, guestId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", `${g(eventId)}${path`/guests/${guestId}`}`, options);
  }

  /** Revokes the guest's personal link and makes a new one (old links answer 410 `guest_link_revoked`); re-send the invitation to deliver it. */
  rotateLink(eventId: string, guestId: string, options?: RequestOptions): Promise<GuestWithLink> {
    return this._transport.request("POST", `${g(eventId)}${path`/guests/${guestId}`}/rotate-link`, options);
  }

  async history(eventId: string, guestId: string, options?: RequestOptions): Promise<RsvpChange[]> {
    return (await this._transport.request<{ data: RsvpChange[] }>("GET", `${g(eventId)}${path`/guests/${guestId}`}/history`, options)).data;
  }

  /** Organizers record an answer on a guest's behalf, or decide a request to attend. */
  rsvp(eventId: string, guestId: string, params: RsvpParams, options?: RequestOptions): Promise<Guest> {
    return this._transport.request("POST", `${g(eventId)}${path`/guests/${guestId}`}/rsvp`, { ...options, body: params });
  }
  approve(eventId: string, guestId: string, options?: RequestOptions): Promise<Guest> {
    return this._transport.request("POST", `${g(eventId)}${path`/guests/${guestId}`}/approve`, options);
  }
  decline(eventId: string, guestId: string, options?: RequestOptions): Promise<Guest> {
    return this._transport.request("POST", `${g(eventId)}${path`/guests/${guestId}`}/decline`, options);
  }

  /** Email and/or SMS with each guest's personal link: the guests listed, else everyone not invited yet. */
  sendInvitations(eventId: string, params: SendInvitationsParams = {}, options?: RequestOptions): Promise<SendResult> {
    return this._transport.request("POST", `${g(eventId)}/guest-invitations`, { ...options, body: params });
  }
  /** Reminds every invited guest who has not answered. */
  remind(eventId: string, params: RemindParams = {}, options?: RequestOptions): Promise<SendResult> {
    return this._transport.request("POST", `${g(eventId)}/guest-reminders`, { ...options, body: params });
  }

  /** Checks (and with a `mode` other than `preview`, adds) guests from a CSV file: each row's errors. */
  import(eventId: string, params: GuestImportParams, options?: RequestOptions): Promise<ImportReport> {
    return this._transport.request("POST", `${g(eventId)}/guest-import`, { ...options, body: params });
  }
  /** The guest list as CSV text. */
  export(eventId: string, options?: RequestOptions): Promise<string> {
    return this._transport.request("GET", `${g(eventId)}/guest-export`, {
      ...options,
      headers: { accept: "text/csv", ...options?.headers },
    });
  }

  /** An `open` or `approval` event's registration form (publishable key). */
  register(eventId: string, params: RegisterParams, options?: RequestOptions): Promise<Registration> {
    return this._transport.request("POST", `${g(eventId)}/registrations`, { ...options, body: params });
  }
  /** What a guest's personal token reads (the token is the credential: no key is sent). */
  invitation(eventId: string, token: string, options?: RequestOptions): Promise<Invitation> {
    return this._transport.request("GET", `${g(eventId)}${path`/invitation/${token}`}`, { ...options, auth: "none" });
  }
  /** Live headcount and agenda changes of a published event (its room `event:<id>`). */
  subscribe(eventId: string, handlers: GuestSubscribeHandlers = {}): Subscription {
    return realtimeOf(this._client).subscribe(
      path`event:${eventId}`,
      (event, meta) => {
        if (event.type === "event.headcount_changed") handlers.onHeadcountChanged?.(event.data, meta);
        else if (event.type === "event.agenda_changed") handlers.onAgendaChanged?.(event.data, meta);
      },
      handlers,
    );
  }
  /** A guest's own yes / maybe / no with plus-ones, through their token. */
  answer(eventId: string, token: string, params: RsvpParams, options?: RequestOptions): Promise<Invitation> {
    return this._transport.request("POST", `${g(eventId)}${path`/invitation/${token}`}/rsvp`, { ...options, auth: "none", body: params });
  }
}

/** An event's agenda: `gk.events.sessions.list(eventId)` (public for published events). */
export class Sessions extends APIResource {
  create(eventId: string, params: SessionCreateParams, options?: RequestOptions): Promise<EventSession> {
    return this._transport.request("POST", `${g(eventId)}/sessions`, { ...options, body: params });
  }
  async list(eventId: string, options?: RequestOptions): Promise<EventSession[]> {
    return (await this._transport.request<{ data: EventSession[] }>("GET", `${g(eventId)}/sessions`, options)).data;
  }
  retrieve(eventId: string, sessionId: string, options?: RequestOptions): Promise<EventSession> {
    return this._transport.request("GET", `${g(eventId)}${path`/sessions/${sessionId}`}`, options);
  }
  update(eventId: string, sessionId: string, params: SessionUpdateParams, options?: RequestOptions): Promise<EventSession> {
    return this._transport.request("PATCH", `${g(eventId)}${path`/sessions/${sessionId}`}`, { ...options, body: params });
  }
  async del(eventId: string, sessionId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", `${g(eventId)}${path`/sessions/${sessionId}`}`, options);
  }

  /** A guest's personal agenda, through their token (no key is sent). */
  async picks(eventId: string, token: string, options?: RequestOptions): Promise<EventSession[]> {
    return (await this._transport.request<{ data: EventSession[] }>("GET", mine(eventId, token), { ...options, auth: "none" })).data;
  }
  /** A confirmed guest signs up for a session (never over its capacity, never two overlapping). */
  pick(eventId: string, token: string, sessionId: string, options?: RequestOptions): Promise<EventSession> {
    return this._transport.request("POST", mine(eventId, token), { ...options, auth: "none", body: { sessionId } });
  }
  async drop(eventId: string, token: string, sessionId: string, options?: RequestOptions): Promise<void> {
    await this._transport.request("DELETE", `${mine(eventId, token)}${path`/${sessionId}`}`, { ...options, auth: "none" });
  }
}

const mine = (eventId: string, token: string) => `${g(eventId)}${path`/invitation/${token}`}/sessions`;
