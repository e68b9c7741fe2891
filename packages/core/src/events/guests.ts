import { idSchema } from "../ids.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { z } from "../zod.js";
import { EventId } from "./schemas.js";

/**
 * Guests and RSVP of an event: its registration mode and headcount limit, the guest list, each
 * guest's RSVP (yes / maybe / no with named plus-ones) and its history, the waitlist, and what a
 * guest's personal link reads.
 */

export const GuestId = idSchema("guest");

export const REGISTRATION_MODES = ["open", "invite_only", "approval"] as const;
export const RegistrationModeSchema = z.enum(REGISTRATION_MODES).openapi("RegistrationMode", {
  description:
    "`open`: anyone with the page registers; `invite_only`: only the guests the organizer added, each through their personal link; `approval`: anyone asks, the organizer approves or declines.",
});

export const GUEST_STATUSES = ["invited", "pending_approval", "confirmed", "waitlisted", "maybe", "declined", "rejected"] as const;
export const GuestStatusSchema = z.enum(GUEST_STATUSES).openapi("GuestStatus", {
  description:
    "`invited`: no answer yet; `pending_approval`: asked to come, waiting for the organizer; `confirmed`: yes, counted in the headcount; `waitlisted`: yes, but the event is full (moves up in order); `maybe`; `declined`: no; `rejected`: the organizer declined the request.",
});
export const RSVP_ANSWERS = ["yes", "maybe", "no"] as const;
export const RsvpAnswerSchema = z.enum(RSVP_ANSWERS).openapi("RsvpAnswer");

const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const Name = text().trim().min(1).max(120);
const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())
  .openapi({ example: "ada@example.com" });
/** A phone number as people type it; the API keeps it in E.164 (a number that is not valid answers 400). */
const Phone = text()
  .trim()
  .min(3)
  .max(40)
  .regex(/^[+0-9 ().\-/]+$/, "must be a phone number such as +351 912 345 678")
  .openapi({ example: "+351 912 345 678" });
const Tag = text().trim().min(1).max(40);
const unique = (list: readonly string[]) => new Set(list).size === list.length;
const PlusOnes = z.number().int().min(0).max(20);

export const RsvpQuestionSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, "must be a short key such as dietary or meal-choice (lower-case letters, digits, dashes)")
      .openapi({ example: "dietary" }),
    label: text().trim().min(1).max(200).openapi({ example: "Any dietary needs?" }),
    kind: z.enum(["short_text", "choice", "yes_no"]),
    options: z.array(text().trim().min(1).max(100)).max(20).refine(unique, "list each option once").default([]),
    required: z.boolean().default(false),
  })
  .refine((q) => (q.kind === "choice" ? q.options.length >= 2 : q.options.length === 0), {
    message: "a choice needs at least two options; other kinds take none",
    path: ["options"],
  })
  .openapi("RsvpQuestion");
export type RsvpQuestion = z.output<typeof RsvpQuestionSchema>;

/** Answers to an event's custom questions, by question id: text (short text, choice) or true/false (yes/no). */
export const RsvpAnswersSchema = z
  .record(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, "must be a question id"), z.union([text().trim().max(500), z.boolean()]))
  .refine((r) => Object.keys(r).length <= 20, "at most 20 answers")
  .openapi("RsvpAnswers", { example: { dietary: "Vegetarian", bus: true } });
export type RsvpAnswers = z.output<typeof RsvpAnswersSchema>;

export const RsvpSettingsSchema = z
  .object({
    eventId: EventId,
    mode: RegistrationModeSchema,
    capacity: z.number().int().nullable().openapi({ description: "Most confirmed guests plus their plus-ones; null: no limit." }),
    confirmed: z.number().int().openapi({ description: "Confirmed guests plus their plus-ones now." }),
    waitlisted: z.number().int().openapi({ description: "Guests on the waitlist now." }),
    maxPlusOnes: z.number().int().openapi({ description: "Plus-ones a guest may bring unless the guest has their own limit." }),
    deadline: z.iso.datetime().nullable().openapi({ description: "RSVPs can be changed until then; null: until the event starts." }),
    invitationUrl: z.string().nullable().openapi({ description: "The page with `<gk-rsvp>` that invitation links open." }),
    questions: z.array(RsvpQuestionSchema),
    reminders: z.array(z.number().int()).openapi({ description: "Reminders to confirmed guests, in minutes before the event starts." }),
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi("RsvpSettings");
export type RsvpSettings = z.infer<typeof RsvpSettingsSchema>;

export const UpdateRsvpSettingsSchema = z
  .strictObject({
    mode: RegistrationModeSchema.optional(),
    capacity: z.number().int().min(1).max(1_000_000).nullable().optional(),
    maxPlusOnes: PlusOnes.optional(),
    deadline: Instant.nullable().optional(),
    invitationUrl: text(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }))
      .max(2000)
      .nullable()
      .optional()
      .openapi({ example: "https://example.com/wedding/rsvp" }),
    questions: z
      .array(RsvpQuestionSchema)
      .max(20)
      .refine((qs) => unique(qs.map((q) => q.id)), "give each question its own id")
      .optional()
      .openapi({ description: "Replaces the custom questions; answers already given to a removed question are kept but no longer shown." }),
    reminders: z
      .array(
        z
          .number()
          .int()
          .min(5)
          .max(60 * 24 * 30),
      )
      .max(5)
      .refine((r) => new Set(r).size === r.length, "list each reminder once")
      .optional()
      .openapi({
        description:
          "Reminders sent to confirmed guests (and those who said maybe), in minutes before the event starts, e.g. [1440, 60] for a day and an hour before. Replaces the reminders; none to guests who declined or to a cancelled event.",
        example: [1440, 60],
      }),
  })
  .openapi("UpdateRsvpSettingsRequest");
export type UpdateRsvpSettings = z.output<typeof UpdateRsvpSettingsSchema>;

export const GuestSchema = z
  .object({
    id: GuestId,
    eventId: EventId,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: "E.164." }),
    tags: z.array(z.string()),
    notes: z.string().openapi({ description: "Dietary, accessibility or other notes." }),
    maxPlusOnes: z.number().int().nullable().openapi({ description: "This guest's own plus-one limit; null: the event's." }),
    status: GuestStatusSchema,
    plusOnes: z.number().int(),
    plusOneNames: z.array(z.string()),
    answers: z.record(z.string(), z.union([z.string(), z.boolean()])).openapi({ description: "Answers to the custom questions, by id." }),
    waitlistPosition: z.number().int().nullable().openapi({ description: "1 for the next to move up; null when not waitlisted." }),
    invitedAt: z.iso.datetime().nullable(),
    respondedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Guest");
export type Guest = z.infer<typeof GuestSchema>;

export const GuestWithLinkSchema = GuestSchema.extend({
  token: z.string().openapi({ description: "The guest's personal token: whoever holds it reads and answers this guest's invitation." }),
  link: z.string().nullable().openapi({ description: "The personal invitation link (null until the event has an invitationUrl)." }),
}).openapi("GuestWithLink");
export type GuestWithLink = z.infer<typeof GuestWithLinkSchema>;

const guestFields = {
  name: Name.openapi({ example: "Ada Lovelace" }),
  email: Email,
  phone: Phone,
  tags: z.array(Tag).max(20).refine(unique, "list each tag once"),
  notes: text().trim().max(2000),
  maxPlusOnes: PlusOnes,
};

export const CreateGuestSchema = z
  .strictObject({
    name: guestFields.name,
    email: guestFields.email.nullish(),
    phone: guestFields.phone.nullish(),
    tags: guestFields.tags.default([]),
    notes: guestFields.notes.default(""),
    maxPlusOnes: guestFields.maxPlusOnes.nullish(),
  })
  .openapi("CreateGuestRequest");
export type CreateGuestInput = z.input<typeof CreateGuestSchema>;
export type CreateGuest = z.output<typeof CreateGuestSchema>;

export const UpdateGuestSchema = z
  .strictObject({
    name: guestFields.name.optional(),
    email: guestFields.email.nullable().optional(),
    phone: guestFields.phone.nullable().optional(),
    tags: guestFields.tags.optional(),
    notes: guestFields.notes.optional(),
    maxPlusOnes: guestFields.maxPlusOnes.nullable().optional(),
  })
  .openapi("UpdateGuestRequest");
export type UpdateGuest = z.output<typeof UpdateGuestSchema>;

export const GuestListQuerySchema = PageQuerySchema.extend({
  status: GuestStatusSchema.optional().openapi({ param: { name: "status", in: "query" }, description: "Only guests in this status." }),
  q: text()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Text to find in the guest's name, email or phone." }),
});
export type GuestListQuery = z.output<typeof GuestListQuerySchema>;
export const GuestPageSchema = pageSchema(GuestSchema, "GuestPage");

const rsvpFields = {
  answer: RsvpAnswerSchema,
  plusOnes: PlusOnes.default(0),
  plusOneNames: z.array(Name).max(20).default([]),
  answers: RsvpAnswersSchema.default({}),
};
const namesFit = (r: { plusOnes: number; plusOneNames: string[] }) => r.plusOneNames.length <= r.plusOnes;
const namesFitIssue = { message: "name at most as many plus-ones as you bring", path: ["plusOneNames"] };

export const RsvpSchema = z.strictObject(rsvpFields).refine(namesFit, namesFitIssue).openapi("RsvpRequest", {
  description: "Plus-ones count only with `yes` or `maybe`; so do answers to the custom questions (required ones must be answered then).",
});
export type RsvpInput = z.input<typeof RsvpSchema>;
export type Rsvp = z.output<typeof RsvpSchema>;

export const RegisterSchema = z
  .strictObject({
    name: guestFields.name,
    // No example: each registration needs an address of its own (one already registered answers 409 `guest_exists`).
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase()),
    phone: guestFields.phone.optional(),
    plusOnes: rsvpFields.plusOnes,
    plusOneNames: rsvpFields.plusOneNames,
    answers: rsvpFields.answers,
    notes: guestFields.notes.default(""),
  })
  .refine(namesFit, namesFitIssue)
  .openapi("RegisterRequest", { description: "A `yes` to an `open` or `approval` event (the latter waits for the organizer)." });
export type Register = z.output<typeof RegisterSchema>;

export const RsvpChangeSchema = z
  .object({
    id: idSchema("rsvpChange"),
    guestId: GuestId,
    status: GuestStatusSchema,
    plusOnes: z.number().int(),
    plusOneNames: z.array(z.string()),
    by: z.enum(["guest", "organizer", "waitlist"]),
    createdAt: z.iso.datetime(),
  })
  .openapi("RsvpChange");
export type RsvpChange = z.infer<typeof RsvpChangeSchema>;
export const RsvpChangeListSchema = z.object({ data: z.array(RsvpChangeSchema) }).openapi("RsvpChangeList");

/** What a guest's personal link reads: the event, their RSVP and the rules it follows. */
export const InvitationSchema = z
  .object({
    event: z.object({
      id: EventId,
      title: z.string(),
      description: z.string(),
      timeZone: z.string(),
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime(),
      venueName: z.string().nullable(),
      status: z.string(),
    }),
    guest: GuestSchema.pick({
      id: true,
      name: true,
      status: true,
      plusOnes: true,
      plusOneNames: true,
      answers: true,
      waitlistPosition: true,
      respondedAt: true,
    }),
    questions: z.array(RsvpQuestionSchema),
    maxPlusOnes: z.number().int().openapi({ description: "The most plus-ones this guest may bring." }),
    deadline: z.iso.datetime().openapi({ description: "Answers can be changed until then." }),
    open: z.boolean().openapi({ description: "Whether the RSVP can still be changed now." }),
    sessionIds: z.array(z.string()).openapi({ description: "The sessions this guest picked (their personal agenda)." }),
    calendar: z
      .object({
        ics: z.string().openapi({ description: "The event as an .ics file (METHOD:REQUEST, the guest's picked sessions included)." }),
        google: z.string(),
        outlook: z.string(),
      })
      .openapi({ description: "Add-to-calendar links." }),
  })
  .openapi("Invitation");
export type Invitation = z.infer<typeof InvitationSchema>;

export const RegistrationSchema = z
  .object({
    invitation: InvitationSchema,
    token: z.string().openapi({ description: "The guest's personal token, to change the RSVP later." }),
  })
  .openapi("Registration");
export type Registration = z.infer<typeof RegistrationSchema>;

export const INVITATION_CHANNELS = ["email", "sms"] as const;
export const SendInvitationsSchema = z
  .strictObject({
    guestIds: z
      .array(GuestId)
      .min(1)
      .max(500)
      .refine(unique, "list each guest once")
      .optional()
      .openapi({ description: "The guests to (re)send to; omitted: every guest not invited yet." }),
    channels: z
      .array(z.enum(INVITATION_CHANNELS))
      .min(1)
      .max(2)
      .refine(unique, "list each channel once")
      .default(["email"])
      .openapi({ description: "Email to guests with an email address, SMS to those with a phone number." }),
  })
  .openapi("SendInvitationsRequest");
export type SendInvitations = z.output<typeof SendInvitationsSchema>;

export const RemindSchema = z
  .strictObject({ channels: SendInvitationsSchema.shape.channels })
  .openapi("RemindRequest", { description: "Reminds every invited guest who has not answered yet." });
export type Remind = z.output<typeof RemindSchema>;

export const SendResultSchema = z
  .object({
    sent: z.number().int().openapi({ description: "Messages queued (one per guest and channel)." }),
    guestIds: z.array(GuestId).openapi({ description: "The guests who were sent something." }),
    skipped: z
      .array(z.object({ guestId: GuestId, reason: z.enum(["no_contact", "answered", "not_invitable"]) }))
      .openapi({ description: "Guests nothing went to, and why." }),
  })
  .openapi("SendResult");
export type SendResult = z.infer<typeof SendResultSchema>;

/** The columns a guest CSV may have (a header row names them, in any order; `name` is required). */
export const GUEST_CSV_COLUMNS = ["name", "email", "phone", "tags", "notes", "max_plus_ones"] as const;

export const ImportGuestsSchema = z
  .strictObject({
    csv: text().min(1).max(500_000).openapi({
      description:
        "CSV (RFC 4180) with a header row: name, and optionally email, phone, tags (separated by `;`), notes, max_plus_ones. At most 1,000 rows. A file from the guest export imports as it is: its other columns (id, status, …) are read past and the `'` it puts before a cell starting with = + - @ comes off.",
      example: "name,email,phone,tags\nAda Lovelace,ada@example.com,+351 912 345 678,family;vip\n",
    }),
    mode: z.enum(["preview", "all_or_nothing", "valid_rows"]).default("preview").openapi({
      description:
        "`preview`: check every row, write nothing; `all_or_nothing`: add every row, or none when one is bad (422 `csv_invalid` with each row's errors); `valid_rows`: add the good rows and report the bad ones (the organizer's confirmation after a preview).",
    }),
  })
  .openapi("ImportGuestsRequest");
export type ImportGuests = z.output<typeof ImportGuestsSchema>;

export const ImportReportSchema = z
  .object({
    rows: z.array(
      z.object({
        row: z.number().int().openapi({ description: "The line's number in the file (the header is 1)." }),
        ok: z.boolean(),
        errors: z.array(z.object({ column: z.string(), message: z.string() })),
        guestId: GuestId.nullable().openapi({ description: "The guest added from this row (null in a preview or for a bad row)." }),
      }),
    ),
    valid: z.number().int(),
    invalid: z.number().int(),
    imported: z.number().int(),
  })
  .openapi("ImportReport");
export type ImportReport = z.infer<typeof ImportReportSchema>;
