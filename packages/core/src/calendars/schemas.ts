import { idSchema } from "../ids.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { TEXT_PATTERN, text } from "../text.js";
import { canonicalTimeZone, TimeZoneSchema } from "../time.js";
import { z } from "../zod.js";

export const ClientId = idSchema("client");
export const SyncRuleId = idSchema("syncRule");
export const CalendarJobId = idSchema("calendarJob");
export const CalendarFeedId = idSchema("calendarFeed");

const q = (name: string) => ({ param: { name, in: "query" as const } });
const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const Email = z
  .email("must be an email address such as ada@example.com")
  .max(254)
  .transform((e) => e.toLowerCase())
  .openapi({ example: "ada@example.com" });
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

// ---------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------

export const CreateClientSchema = z
  .strictObject({
    name: text().trim().min(1, "must not be empty").max(200).openapi({ example: "Acme Events" }),
    email: Email.optional(),
    notes: text().max(5000).default(""),
    timeZone: TimeZoneSchema.default("UTC"),
  })
  .openapi("CreateClientRequest");
export type CreateClient = z.output<typeof CreateClientSchema>;

export const UpdateClientSchema = z
  .strictObject({
    name: text().trim().min(1, "must not be empty").max(200).optional(),
    email: orNull(Email).optional().openapi({ description: "null removes the email." }),
    notes: text().max(5000).optional(),
    timeZone: TimeZoneSchema.optional(),
  })
  .openapi("UpdateClientRequest");
export type UpdateClient = z.output<typeof UpdateClientSchema>;

export const ClientSchema = z
  .object({
    id: ClientId,
    name: z.string(),
    email: z.string().nullable(),
    notes: z.string(),
    timeZone: z.string(),
    /** Whether a Google account is connected and usable. */
    connected: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Client");
export type Client = z.infer<typeof ClientSchema>;

export const ClientListQuerySchema = PageQuerySchema.extend({
  q: text()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ ...q("q"), description: "Only clients whose name or email contains this text (case-insensitive)." }),
});
export type ClientListQuery = z.output<typeof ClientListQuerySchema>;
export const ClientPageSchema = pageSchema(ClientSchema, "ClientPage");

// ---------------------------------------------------------------------------------------------
// Google connections
// ---------------------------------------------------------------------------------------------

export const GOOGLE_CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar";
/** Scopes asked for when none are given: the calendars and the account's email (to show which account is connected). */
export const DEFAULT_CALENDAR_SCOPES = ["openid", "email", GOOGLE_CALENDAR_SCOPE] as const;

const Scope = z
  .string()
  .regex(/^(openid|email|profile|https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._/-]+)$/, "must be a Google OAuth scope")
  .openapi({ example: GOOGLE_CALENDAR_SCOPE });
const Scopes = z
  .array(Scope)
  .min(1)
  .max(20)
  .refine((s) => s.includes(GOOGLE_CALENDAR_SCOPE) || s.some((x) => x.startsWith(`${GOOGLE_CALENDAR_SCOPE}.`)), {
    message: "must include a Google Calendar scope",
  });

export const SetConnectionAppSchema = z
  .discriminatedUnion("app", [
    z.strictObject({ app: z.literal("platform"), scopes: Scopes.optional() }),
    z.strictObject({
      app: z.literal("organization"),
      oauthClientId: text().trim().min(1).max(300).openapi({ example: "1234-abc.apps.googleusercontent.com" }),
      oauthClientSecret: text().trim().min(1).max(300).openapi({ description: "Write-only: stored encrypted and never returned." }),
      scopes: Scopes.optional(),
    }),
  ])
  .openapi("SetCalendarConnectionApp", {
    description:
      "Which Google OAuth app connects this client: the platform's default app, or the organization's own (its client id and secret; the secret is write-only). Changing the app drops a connection made with the previous one.",
  });
export type SetConnectionApp = z.output<typeof SetConnectionAppSchema>;

export const ConnectionQuotaSchema = z
  .object({
    day: z.string().openapi({
      description:
        "The UTC day (YYYY-MM-DD) the counters count; they start again at 00:00 UTC (Google's own daily quota resets at midnight Pacific time).",
      example: "2026-12-07",
    }),
    callsToday: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "Calendar API requests sent to Google for this connection today, retries included." }),
    rateLimitedToday: z.number().int().min(0).openapi({
      description: "Of those, answers that were a 429 or a rate-limit 403 (`rateLimitExceeded`, `userRateLimitExceeded`, `quotaExceeded`).",
    }),
    backoffsToday: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "Times a call waited (exponential back-off, Retry-After) before retrying today." }),
    lastRateLimitedAt: z.string().nullable().openapi({ description: "When Google last answered this connection with a rate limit." }),
  })
  .openapi("CalendarConnectionQuota");
export type ConnectionQuota = z.infer<typeof ConnectionQuotaSchema>;

export const ConnectionSchema = z
  .object({
    clientId: ClientId,
    app: z.enum(["platform", "organization"]),
    oauthClientId: z.string().nullable().openapi({ description: "The organization's own app's client id (never its secret)." }),
    scopes: z.array(z.string()).openapi({ description: "Scopes asked for at the next connection." }),
    status: z.enum(["not_connected", "valid", "invalid"]),
    isValid: z.boolean(),
    grantedScopes: z.array(z.string()),
    accountEmail: z.string().nullable(),
    expiresAt: z.string().nullable().openapi({ description: "When the current access token expires (it refreshes itself before)." }),
    invalidReason: z.string().nullable(),
    connectedAt: z.string().nullable(),
    quota: ConnectionQuotaSchema,
  })
  .openapi("CalendarConnection");
export type Connection = z.infer<typeof ConnectionSchema>;

const ReturnTo = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(2000)
  .openapi({ example: "https://dashboard.example.com/clients/cli_0123456789abcdefghjk" });

export const AuthorizeSchema = z
  .strictObject({
    returnTo: ReturnTo.openapi({
      description:
        "Where the organizer's browser goes after the consent, with `calendar_connection=connected` or `=failed&reason=…` added.",
    }),
  })
  .openapi("AuthorizeCalendarRequest");

export const AuthorizeResultSchema = z
  .object({
    url: z.string().openapi({ description: "Google's consent page: send the organizer's browser there." }),
    expiresAt: z.string().openapi({ description: "The consent must come back before this time." }),
  })
  .openapi("AuthorizeCalendarResult");

export const OAuthCallbackQuerySchema = z.object({
  state: z
    .string()
    .max(2000)
    .optional()
    .openapi({ ...q("state") }),
  code: z
    .string()
    .max(2000)
    .optional()
    .openapi({ ...q("code") }),
  error: z
    .string()
    .max(200)
    .optional()
    .openapi({ ...q("error") }),
  scope: z
    .string()
    .max(2000)
    .optional()
    .openapi({ ...q("scope") }),
});

// ---------------------------------------------------------------------------------------------
// Calendars and events
// ---------------------------------------------------------------------------------------------

export const CalendarSchema = z
  .object({
    id: z.string(),
    summary: z.string(),
    timeZone: z.string().nullable(),
    accessRole: z.enum(["owner", "writer", "reader", "freeBusyReader"]),
    primary: z.boolean(),
  })
  .openapi("Calendar");
export type Calendar = z.infer<typeof CalendarSchema>;
export const CalendarListSchema = z.object({ data: z.array(CalendarSchema) }).openapi("CalendarList");

/** A calendar id as Google spells it (an email address or `…@group.calendar.google.com`, or `primary`). */
export const CalendarIdParam = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\s/?#]+$/, "must be a calendar id")
  .openapi({ param: { name: "calendarId", in: "path" }, example: "primary" });
export const EventIdParam = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_]+$/, "must be a Google event id (or an occurrence id)")
  .openapi({ param: { name: "calendarEventId", in: "path" }, example: "a1b2c3d4e5" });

const OffsetDateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 time such as 2030-07-01T09:00:00+02:00" });
const TimeZoneName = text()
  .max(64)
  .refine((s) => canonicalTimeZone(s) !== null, "must be an IANA time zone name such as Europe/Paris");

export const EventTimeSchema = z
  .union([
    z.strictObject({ dateTime: OffsetDateTime, timeZone: TimeZoneName.optional() }),
    z.strictObject({ date: z.iso.date({ message: "must be a date such as 2030-07-01" }) }),
  ])
  .openapi("CalendarEventTime", { description: "A timed start or end (`dateTime`, optional `timeZone`) or an all-day one (`date`)." });
export type EventTime = z.infer<typeof EventTimeSchema>;

const AttendeeSchema = z
  .strictObject({
    email: Email,
    displayName: text().max(200).optional(),
    optional: z.boolean().optional(),
  })
  .openapi("CalendarAttendee");

const ReminderSchema = z.strictObject({
  method: z.enum(["email", "popup"]),
  minutes: z.number().int().min(0).max(40320),
});

/** A recurrence line: RRULE, EXRULE, RDATE or EXDATE (checked with the rrule library when sent). */
const RecurrenceLine = z
  .string()
  .max(500)
  .regex(/^(RRULE|EXRULE|RDATE|EXDATE)[:;]/, "must be an RRULE:, EXRULE:, RDATE or EXDATE line")
  .openapi({ example: "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10" });

const eventFields = {
  title: text().trim().min(1).max(1024).openapi({ example: "Kick-off with Acme" }),
  description: text().max(8000).optional(),
  location: text().max(1024).optional(),
  start: EventTimeSchema,
  end: EventTimeSchema,
  attendees: z.array(AttendeeSchema).max(100).optional(),
  recurrence: z.array(RecurrenceLine).max(20).optional(),
  reminders: z.strictObject({ useDefault: z.boolean(), overrides: z.array(ReminderSchema).max(5).optional() }).optional(),
  conferenceLink: z
    .url({ protocol: /^https$/ })
    .max(2000)
    .optional(),
  colorId: z
    .string()
    .regex(/^([1-9]|1[01])$/, "must be a Google event colour id, 1 to 11")
    .optional(),
};

const ms = (t: EventTime) => ("date" in t ? Date.parse(`${t.date}T00:00:00Z`) : Date.parse(t.dateTime));
/** Both times of one kind (timed or all-day) and the end after the start. */
function timesIssue(start: EventTime | undefined, end: EventTime | undefined): string | null {
  if (!start || !end) return null;
  if ("date" in start !== "date" in end) return "start and end must both be timed (dateTime) or both all-day (date)";
  if (ms(end) <= ms(start)) return "must be after start";
  return null;
}

export const CreateCalendarEventSchema = z
  .strictObject(eventFields)
  .superRefine((e, ctx) => {
    const issue = timesIssue(e.start, e.end);
    if (issue) ctx.addIssue({ code: "custom", message: issue, path: ["end"] });
  })
  .openapi("CreateCalendarEventRequest");
export type CreateCalendarEvent = z.output<typeof CreateCalendarEventSchema>;

export const UpdateCalendarEventSchema = z
  .strictObject({
    ...eventFields,
    title: eventFields.title.optional(),
    start: EventTimeSchema.optional(),
    end: EventTimeSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.start === undefined) !== (e.end === undefined)) {
      ctx.addIssue({ code: "custom", message: "send start and end together", path: [e.start ? "end" : "start"] });
    }
    const issue = timesIssue(e.start, e.end);
    if (issue) ctx.addIssue({ code: "custom", message: issue, path: ["end"] });
  })
  .openapi("UpdateCalendarEventRequest", { description: "PATCH semantics: fields sent replace the stored ones." });
export type UpdateCalendarEvent = z.output<typeof UpdateCalendarEventSchema>;

export const CalendarEventSchema = z
  .object({
    id: z.string(),
    calendarId: z.string(),
    status: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    location: z.string().nullable(),
    start: EventTimeSchema,
    end: EventTimeSchema,
    attendees: z.array(
      z.object({ email: z.string(), displayName: z.string().nullable(), optional: z.boolean(), responseStatus: z.string().nullable() }),
    ),
    recurrence: z.array(z.string()),
    recurringEventId: z.string().nullable().openapi({ description: "Set on one occurrence of a series: the series' id." }),
    reminders: z.object({ useDefault: z.boolean(), overrides: z.array(ReminderSchema) }),
    conferenceLink: z.string().nullable(),
    colorId: z.string().nullable(),
    htmlLink: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("CalendarEvent");
export type CalendarEvent = z.infer<typeof CalendarEventSchema>;
export const CalendarEventPageSchema = pageSchema(CalendarEventSchema, "CalendarEventPage");

export const SendUpdatesQuerySchema = z.object({
  sendUpdates: z
    .enum(["all", "externalOnly", "none"])
    .default("none")
    .openapi({ ...q("sendUpdates"), description: "Whom Google emails about the change." }),
});

export const CalendarEventListQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(250)
      .default(50)
      .openapi({ ...q("limit") }),
    cursor: z
      .string()
      .max(2000)
      .regex(/^[A-Za-z0-9_=-]+$/, "is not a cursor from this list")
      .optional()
      .openapi({ ...q("cursor"), description: "The `nextCursor` of the previous page." }),
    timeMin: Instant.optional().openapi({ ...q("timeMin") }),
    timeMax: Instant.optional().openapi({ ...q("timeMax") }),
    q: text()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ ...q("q"), description: "Free text search in the events." }),
    singleEvents: z
      .enum(["true", "false"])
      .transform((s) => s === "true")
      .optional()
      .openapi({ ...q("singleEvents"), description: "Expand recurring events into their occurrences." }),
  })
  .refine((x) => !x.timeMin || !x.timeMax || Date.parse(x.timeMax) > Date.parse(x.timeMin), {
    message: "must be after timeMin",
    path: ["timeMax"],
  });
export type CalendarEventListQuery = z.output<typeof CalendarEventListQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Sync rules
// ---------------------------------------------------------------------------------------------

export const SYNC_SOURCE_TYPES = ["plan", "event", "place"] as const;
export type SyncSourceType = (typeof SYNC_SOURCE_TYPES)[number];
const SyncSourceSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("plan"), id: idSchema("plan") }),
    z.strictObject({ type: z.literal("event"), id: idSchema("event") }),
    z.strictObject({ type: z.literal("place"), id: idSchema("place") }),
  ])
  .openapi({
    description:
      "What is pushed: `plan` (each timed activity of its itinerary once finalized), `event` (the ticketed event while published, with its RSVP headcount), `place` (each confirmed booking).",
  });
export const CreateSyncRuleSchema = z
  .strictObject({
    calendarId: text().min(1).max(300).openapi({ example: "primary" }),
    source: SyncSourceSchema,
  })
  .openapi("CreateSyncRuleRequest");
export type CreateSyncRule = z.output<typeof CreateSyncRuleSchema>;

export const SyncRuleSchema = z
  .object({
    id: SyncRuleId,
    clientId: ClientId,
    calendarId: z.string(),
    source: z.object({ type: z.enum(SYNC_SOURCE_TYPES), id: z.string() }),
    createdAt: z.string(),
  })
  .openapi("SyncRule");
export type SyncRule = z.infer<typeof SyncRuleSchema>;
export const SyncRuleListSchema = z.object({ data: z.array(SyncRuleSchema) }).openapi("SyncRuleList");

// ---------------------------------------------------------------------------------------------
// Bulk jobs
// ---------------------------------------------------------------------------------------------

/** Most rows one bulk job takes. */
export const CALENDAR_JOB_MAX_ITEMS = 500;
const JobCalendarId = text().min(1).max(300).openapi({ example: "primary" });

export const CreateCalendarJobSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("resync").openapi({ description: "Run every sync rule of the client again, one row per rule." }),
    }),
    z.strictObject({
      kind: z.literal("create_events"),
      events: z
        .array(z.strictObject({ calendarId: JobCalendarId, event: CreateCalendarEventSchema }))
        .min(1, "must have at least one event")
        .max(CALENDAR_JOB_MAX_ITEMS),
    }),
    z.strictObject({
      kind: z.literal("delete_events"),
      events: z
        .array(
          z.strictObject({
            calendarId: JobCalendarId,
            eventId: text()
              .min(1)
              .max(1024)
              .regex(/^[A-Za-z0-9_]+$/, "must be a Google event id"),
          }),
        )
        .min(1, "must have at least one event")
        .max(CALENDAR_JOB_MAX_ITEMS),
    }),
  ])
  .openapi("CreateCalendarJobRequest");
export type CreateCalendarJob = z.output<typeof CreateCalendarJobSchema>;

export const CALENDAR_JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export const CalendarJobSchema = z
  .object({
    id: CalendarJobId,
    clientId: ClientId,
    kind: z.enum(["resync", "create_events", "delete_events", "import_ics"]),
    status: z.enum(CALENDAR_JOB_STATUSES).openapi({
      description:
        "`queued`, `running` (processed of total so far), `done` (every row worked through; some may have failed), `failed` (stopped: see `error`).",
    }),
    total: z.number().int(),
    processed: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    failures: z
      .array(z.object({ index: z.number().int(), code: z.string(), detail: z.string() }))
      .openapi({ description: "The rows that failed (their index in the request) and why; at most 200." }),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("CalendarJob");
export type CalendarJob = z.infer<typeof CalendarJobSchema>;
export const CalendarJobPageSchema = pageSchema(CalendarJobSchema, "CalendarJobPage");

// ---------------------------------------------------------------------------------------------
// Calendar feeds (subscribe URLs with revocable tokens)
// ---------------------------------------------------------------------------------------------

export const CALENDAR_FEED_SUBJECTS = ["event", "place", "guest"] as const;
export type CalendarFeedSubjectType = (typeof CALENDAR_FEED_SUBJECTS)[number];

const FeedSubjectSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("event"), id: idSchema("event") }),
    z.strictObject({ type: z.literal("place"), id: idSchema("place") }),
    z.strictObject({ type: z.literal("guest"), id: idSchema("guest") }),
  ])
  .openapi("CalendarFeedSubject", {
    description:
      "Whose feed: `event` (the event and its agenda sessions), `place` (its confirmed bookings), `guest` (the guest's event and the sessions they signed up for).",
  });

export const CreateCalendarFeedSchema = z
  .strictObject({
    subject: FeedSubjectSchema,
    label: text().trim().max(200).default("").openapi({ description: "A note for the organizer, e.g. who the URL was given to." }),
  })
  .openapi("CreateCalendarFeedRequest");
export type CreateCalendarFeed = z.output<typeof CreateCalendarFeedSchema>;

export const CalendarFeedSchema = z
  .object({
    id: CalendarFeedId,
    subject: z.object({ type: z.enum(CALENDAR_FEED_SUBJECTS), id: z.string() }),
    label: z.string(),
    status: z.enum(["active", "revoked"]),
    url: z.string().nullable().openapi({
      description:
        "The subscribe URL with its secret token: only in the answer that made or rotated it (it is stored as a digest). Give it to the subject or paste it into a calendar app.",
    }),
    token: z.string().nullable().openapi({ description: "The URL's token alone (for the holder's rotate and revoke), with `url` only." }),
    createdAt: z.string(),
    rotatedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastChangedAt: z
      .string()
      .nullable()
      .openapi({ description: "When the feed's content last changed, as a calendar app polling it saw." }),
  })
  .openapi("CalendarFeed");
export type CalendarFeed = z.infer<typeof CalendarFeedSchema>;
export const CalendarFeedPageSchema = pageSchema(CalendarFeedSchema, "CalendarFeedPage");

export const CalendarFeedListQuerySchema = PageQuerySchema.extend({
  subjectType: z
    .enum(CALENDAR_FEED_SUBJECTS)
    .optional()
    .openapi({ ...q("subjectType") }),
  subjectId: z
    .string()
    .max(64)
    .regex(/^[a-z]+_[0-9a-z]+$/, "must be an id")
    .optional()
    .openapi({ ...q("subjectId") }),
});
export type CalendarFeedListQuery = z.output<typeof CalendarFeedListQuerySchema>;

/** A feed token as the holder sends it back to rotate or revoke their own URL. */
export const CalendarFeedTokenSchema = z
  .strictObject({
    token: z
      .string()
      .regex(/^[0-9a-f]{40}$/, "must be the token of the feed URL (40 hex characters)")
      .openapi({ example: "9f2c0e1d4b5a69788796a5b4c3d2e1f0a9b8c7d6" }),
  })
  .openapi("CalendarFeedToken");

// ---------------------------------------------------------------------------------------------
// .ics import
// ---------------------------------------------------------------------------------------------

/** Largest .ics an import takes (bytes), and longest unfolded content line. */
export const ICS_IMPORT_MAX_BYTES = 1_000_000;
export const ICS_IMPORT_MAX_LINE = 10_000;

export const ImportIcsSchema = z
  .strictObject({
    ics: z.string().min(1, "must not be empty").max(ICS_IMPORT_MAX_BYTES, `must be at most ${ICS_IMPORT_MAX_BYTES} characters`).openapi({
      // The text rule holds (a control character is refused with 400), but the import's parser
      // checks it itself, so the refusal names the file's line (`ics_invalid`).
      pattern: TEXT_PATTERN.source,
      description: "The .ics file's text (a calendar app's export, or the body of a calendar URL).",
      example:
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\nUID:kickoff-1@example.com\r\nDTSTAMP:20300601T120000Z\r\nDTSTART;TZID=Europe/Paris:20300701T090000\r\nDTEND;TZID=Europe/Paris:20300701T100000\r\nSUMMARY:Kick-off\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    }),
  })
  .openapi("ImportIcsRequest");
export type ImportIcs = z.output<typeof ImportIcsSchema>;

/** What an import of an .ics would do, read by the same parser as the import (nothing written). */
export const IcsImportPreviewSchema = z
  .object({
    total: z.number().int().openapi({ description: "Rows the import job would have (one per UID; cancelled events are left out)." }),
    importable: z.number().int(),
    failing: z.number().int().openapi({ description: "Rows that would fail, each with its `error`." }),
    items: z
      .array(
        z.object({
          index: z.number().int().openapi({ description: "The row's index in the job (its `failures[].index`)." }),
          line: z.number().int().openapi({ description: "The file's line where the VEVENT begins." }),
          uid: z.string(),
          title: z.string().nullable(),
          start: EventTimeSchema.nullable(),
          recurring: z.boolean(),
          error: z.string().nullable().openapi({ description: "Why this row would fail; null when it would be imported." }),
        }),
      )
      .openapi({ description: "Every row, in the file's order." }),
  })
  .openapi("IcsImportPreview");
export type IcsImportPreview = z.infer<typeof IcsImportPreviewSchema>;
