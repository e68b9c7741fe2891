import { idSchema } from "../ids.js";
import { MinorUnitsSchema } from "../money.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { z } from "../zod.js";
import { EventId, OrderId, TicketTypeId } from "./schemas.js";

// Check-in lists, check-ins, refunds and discount codes: what happens around an order once the
// checkout is built (see schemas.ts for events, ticket types and orders).

export const CheckinListId = idSchema("checkinList");
export const CheckinId = idSchema("checkin");
export const RefundId = idSchema("refund");
export const DiscountCodeId = idSchema("discountCode");

const Instant = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2030-07-01T09:00:00Z" });
const unique = (list: readonly string[]) => new Set(list).size === list.length;
const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });
const TypeIds = z
  .array(TicketTypeId)
  .min(1)
  .max(50)
  .refine(unique, "list each ticket type once")
  .openapi({ description: "Only these ticket types (of the same event); leave out for every type." });

// ---- check-in --------------------------------------------------------------------------------

export const CheckinListSchema = z
  .object({
    id: CheckinListId,
    eventId: EventId,
    name: z.string(),
    ticketTypeIds: z.array(TicketTypeId).nullable().openapi({ description: "The types it admits; null: every type." }),
    admitsGuests: z
      .boolean()
      .openapi({ description: "Whether it also admits the event's confirmed guests (RSVP), by their personal token." }),
    checkedIn: z.number().int().openapi({ description: "Targets checked in now (undone check-ins not counted)." }),
    total: z.number().int().openapi({ description: "Valid tickets of the types it admits, plus confirmed guests when it admits guests." }),
    qrPublicKey: z.string().openapi({
      description:
        "The Ed25519 public key (raw, base64url) that signs tickets' QR payloads (`GK1:<event id>:<code>:<signature>`, the signature over everything before its last colon): a scanner can refuse a forged or altered code offline.",
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("CheckinList");
export type CheckinList = z.infer<typeof CheckinListSchema>;
export const CheckinListListSchema = z.object({ data: z.array(CheckinListSchema) }).openapi("CheckinListList");

export const CreateCheckinListSchema = z
  .strictObject({
    name: text().trim().min(1).max(120).openapi({ example: "Main entrance" }),
    ticketTypeIds: TypeIds.optional(),
    admitsGuests: z
      .boolean()
      .default(false)
      .openapi({ description: "Also admit the event's confirmed guests (RSVP) by the token in their invitation link and QR code." }),
  })
  .openapi("CreateCheckinListRequest");
export type CreateCheckinList = z.output<typeof CreateCheckinListSchema>;

export const CheckinRequestSchema = z
  .strictObject({
    code: text().trim().min(1).max(2000).openapi({
      example: "K7QX-9MDA-3FHT",
      description:
        "The ticket's code as typed (case, spaces and dashes do not matter), its QR code's signed payload as scanned (`GK1:…`; one whose signature does not match is refused with 422 `ticket_qr_invalid`), or a guest's personal token (gst_….…) or their invitation link (a QR code of it) on a list that admits guests.",
    }),
  })
  .openapi("CheckinRequest");
export type CheckinRequest = z.output<typeof CheckinRequestSchema>;

export const CheckinSchema = z
  .object({
    id: CheckinId,
    listId: CheckinListId,
    eventId: EventId,
    target: z
      .discriminatedUnion("type", [
        z
          .object({
            type: z.literal("ticket"),
            id: z.string(),
            code: z.string(),
            ticketTypeId: TicketTypeId,
            orderId: OrderId,
            name: z.string().openapi({ description: "Whom the ticket is for (its buyer)." }),
          })
          .openapi("TicketCheckinTarget"),
        z
          .object({
            type: z.literal("guest"),
            id: z.string().openapi({ description: "The guest (gst_…)." }),
            name: z.string(),
            plusOnes: z.number().int().openapi({ description: "The plus-ones the guest brings (admitted with them)." }),
          })
          .openapi("GuestCheckinTarget"),
      ])
      .openapi("CheckinTarget", { description: "What was checked in: a ticket, or a guest with their plus-ones." }),
    checkedInAt: z.iso.datetime(),
    checkedInBy: z.string().openapi({ description: "The member (usr_…) or secret key (sk_…) that checked it in." }),
    undoneAt: z.iso.datetime().nullable(),
    undoneBy: z.string().nullable(),
  })
  .openapi("Checkin");
export type Checkin = z.infer<typeof CheckinSchema>;

export const CheckinListQuerySchema = PageQuerySchema.extend({
  q: text().trim().min(1).max(100).optional().openapi(q("q", "Text to find in the name, email or ticket code.")),
});
export type CheckinListQuery = z.output<typeof CheckinListQuerySchema>;
export const CheckinPageSchema = pageSchema(CheckinSchema, "CheckinPage");

// ---- refunds ---------------------------------------------------------------------------------

export const CreateRefundSchema = z
  .strictObject({
    amount: MinorUnitsSchema.min(1).optional().openapi({ description: "Minor units to give back; leave out for all that is left." }),
    reason: text().trim().min(1).max(500).optional(),
  })
  .openapi("CreateRefundRequest");
export type CreateRefund = z.output<typeof CreateRefundSchema>;

export const RefundSchema = z
  .object({
    id: RefundId,
    orderId: OrderId,
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]).openapi({
      description: "As the provider answered. The order's amountRefunded and status follow the provider's charge.refunded event.",
    }),
    reason: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Refund");
export type Refund = z.infer<typeof RefundSchema>;
export const RefundListSchema = z.object({ data: z.array(RefundSchema) }).openapi("RefundList");

// ---- discount codes --------------------------------------------------------------------------

export const DiscountCodeText = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "letters, digits and dashes only")
  .openapi({ example: "EARLYBIRD" });

export const DiscountCodeSchema = z
  .object({
    id: DiscountCodeId,
    eventId: EventId,
    code: z.string().openapi({ description: "Upper-case; buyers may type it in any case." }),
    kind: z.enum(["percent", "fixed"]),
    value: z.number().int().openapi({ description: "Percent (1–100), or minor units off each ticket it applies to." }),
    ticketTypeIds: z.array(TicketTypeId).nullable(),
    maxUses: z.number().int().nullable(),
    used: z.number().int().openapi({ description: "Orders holding or having bought with it." }),
    validFrom: z.iso.datetime().nullable(),
    validUntil: z.iso.datetime().nullable(),
    active: z.boolean().openapi({ description: "false once an organizer deactivated it: no checkout takes it; its uses stay counted." }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("DiscountCode");
export type DiscountCode = z.infer<typeof DiscountCodeSchema>;
export const DiscountCodeListQuerySchema = PageQuerySchema;
export type DiscountCodeListQuery = z.output<typeof DiscountCodeListQuerySchema>;
export const DiscountCodePageSchema = pageSchema(DiscountCodeSchema, "DiscountCodePage");

export const UpdateDiscountCodeSchema = z
  .strictObject({
    active: z.boolean().openapi({ description: "false deactivates the code (checkouts refuse it), true takes it back into use." }),
  })
  .openapi("UpdateDiscountCodeRequest");
export type UpdateDiscountCode = z.output<typeof UpdateDiscountCodeSchema>;

export const CreateDiscountCodeSchema = z
  .strictObject({
    code: DiscountCodeText,
    kind: z.enum(["percent", "fixed"]),
    value: MinorUnitsSchema.min(1).openapi({ description: "Percent (1–100) for `percent`; minor units off each ticket for `fixed`." }),
    ticketTypeIds: TypeIds.optional(),
    maxUses: z.number().int().min(1).max(1_000_000).optional(),
    validFrom: Instant.optional(),
    validUntil: Instant.optional(),
  })
  .refine((d) => d.kind !== "percent" || d.value <= 100, { message: "a percent is at most 100", path: ["value"] })
  .refine((d) => !(d.validFrom && d.validUntil && Date.parse(d.validUntil) <= Date.parse(d.validFrom)), {
    message: "must be after validFrom",
    path: ["validUntil"],
  })
  .openapi("CreateDiscountCodeRequest");
export type CreateDiscountCode = z.output<typeof CreateDiscountCodeSchema>;

/** What a discount takes off one line: percent of the line (rounded down), or a fixed amount off each ticket (never below 0). */
export function lineDiscount(d: { kind: "percent" | "fixed"; value: number }, unitPrice: number, quantity: number): number {
  const line = unitPrice * quantity;
  return d.kind === "percent" ? Math.floor((line * d.value) / 100) : Math.min(line, d.value * quantity);
}

// ---- buyer access ----------------------------------------------------------------------------

/** Optional in the schema: without its token, as with a wrong one, the order is simply not found (404). */
export const BuyerAccessQuerySchema = z.object({
  token: z
    .string()
    .max(200)
    .optional()
    .openapi(q("token", "The order's buyerToken (from the checkout's answer or the confirmation email).")),
});

// ---- analytics -------------------------------------------------------------------------------

export const EventAnalyticsSchema = z
  .object({
    eventId: EventId,
    currency: z.string(),
    timeZone: z.string().openapi({ description: "`byDay` dates are days in this time zone (the event's)." }),
    totals: z.object({
      orders: z.number().int().openapi({ description: "Orders paid (including those refunded since)." }),
      ticketsSold: z.number().int().openapi({ description: "Valid tickets (refunded ones are void and not counted)." }),
      ticketsHeld: z.number().int().openapi({ description: "Tickets held by pending checkouts now." }),
      gross: z.number().int().openapi({ description: "What paid orders were charged, in minor units (after discounts)." }),
      refunded: z.number().int(),
      net: z.number().int().openapi({ description: "gross − refunded." }),
      discounts: z.number().int().openapi({ description: "What discount codes took off paid orders." }),
    }),
    ticketTypes: z.array(
      z.object({
        id: TicketTypeId,
        name: z.string(),
        sold: z.number().int().openapi({ description: "Valid tickets of this type." }),
        held: z.number().int(),
        remaining: z.number().int().nullable(),
        gross: z.number().int().openapi({ description: "Its paid lines at their unit price (before discounts)." }),
      }),
    ),
    byDay: z.array(
      z.object({
        date: z.string().openapi({ example: "2030-06-01" }),
        orders: z.number().int(),
        tickets: z.number().int(),
        gross: z.number().int(),
      }),
    ),
    checkIn: z.object({
      checkedIn: z.number().int().openapi({ description: "Valid tickets checked in on at least one list." }),
      tickets: z.number().int(),
      rate: z.number().openapi({ description: "checkedIn ÷ tickets (0 when there are none)." }),
    }),
    discountCodes: z.array(
      z.object({
        id: DiscountCodeId,
        code: z.string(),
        used: z.number().int(),
        maxUses: z.number().int().nullable(),
        amount: z.number().int(),
      }),
    ),
  })
  .openapi("EventAnalytics");
export type EventAnalytics = z.infer<typeof EventAnalyticsSchema>;

// ---- waiting list ----------------------------------------------------------------------------

export const WaitlistEntryId = idSchema("waitlistEntry");

export const JoinWaitlistSchema = z
  .strictObject({
    name: text().trim().min(1).max(120).openapi({ example: "Grace Hopper" }),
    email: z
      .email()
      .max(254)
      .transform((e) => e.toLowerCase())
      .openapi({ example: "grace@example.com" }),
    quantity: z.number().int().min(1).max(100).default(1).openapi({ description: "Tickets wanted (within the type's per-order bounds)." }),
    accessCode: text().trim().min(1).max(64).optional().openapi({ description: "For a hidden ticket type." }),
  })
  .openapi("JoinWaitlistRequest");
export type JoinWaitlist = z.output<typeof JoinWaitlistSchema>;

export const WAITLIST_STATUSES = ["waiting", "offered", "claimed", "expired", "left"] as const;

export const WaitlistEntrySchema = z
  .object({
    id: WaitlistEntryId,
    eventId: EventId,
    ticketTypeId: TicketTypeId,
    name: z.string(),
    email: z.string(),
    quantity: z.number().int(),
    status: z.enum(WAITLIST_STATUSES).openapi({
      description:
        "`waiting`; `offered`: tickets came back and are held in this entry's name (`orderId`), emailed with a payment link, until the hold's `expiresAt`; `claimed`: paid; `expired`: the offer ran out and passed to the next entry; `left`: the entrant left (or an organizer removed the entry).",
    }),
    orderId: OrderId.nullable(),
    offeredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("WaitlistEntry");
export type WaitlistEntry = z.infer<typeof WaitlistEntrySchema>;

export const WaitlistQuerySchema = PageQuerySchema.extend({
  status: z.enum(WAITLIST_STATUSES).optional().openapi(q("status", "Only entries in this status.")),
});
export type WaitlistQuery = z.output<typeof WaitlistQuerySchema>;
export const WaitlistPageSchema = pageSchema(WaitlistEntrySchema, "WaitlistEntryPage");

/** The answer to joining: the entry, and the entrant's own key to leave it (only in this answer). */
export const JoinedWaitlistEntrySchema = WaitlistEntrySchema.extend({
  leaveToken: z.string().openapi({
    description:
      "The entrant's key to leave the waiting list (`POST /v1/waitlist-entries/{id}/leave` with `{ token }`). Only in this answer; the link in an offer email works too.",
  }),
}).openapi("JoinedWaitlistEntry");
export type JoinedWaitlistEntry = z.infer<typeof JoinedWaitlistEntrySchema>;

export const LeaveWaitlistSchema = z
  .strictObject({
    token: text().min(1).max(200).optional().openapi({
      description: "The entrant's `leaveToken`, or the `token` of the order link in their offer email. Organizers leave it out.",
    }),
  })
  .openapi("LeaveWaitlistRequest");
export type LeaveWaitlist = z.output<typeof LeaveWaitlistSchema>;
