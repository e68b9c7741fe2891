import { idSchema } from "../../ids.js";
import { CurrencySchema, MinorUnitsSchema } from "../../money.js";
import { pageSchema } from "../../pagination.js";
import { text } from "../../text.js";
import { z } from "../../zod.js";
import { Amount, DECIMAL_SCALE, Decimal4, duplicates, Instant, ParticipantId, PlanId, ProposalId, Title, toScaled } from "./shared.js";

// Expenses and how they split, balances and settling up, payments between participants.

/**
 * A split that breaks a money rule (exact amounts or percentages that do not add up, someone
 * listed twice) is refused with the stable code `split_mismatch` (422), as `splitAmount` does:
 * the API answers a validation failure whose issues all carry `params.code` with that code.
 */
const splitMismatch = (message: string) => ({ message, params: { code: "split_mismatch" } });

const participantList = <T extends { participantId: string }>(item: z.ZodType<T>) =>
  z
    .array(item)
    .min(1)
    .max(500)
    .refine((l) => duplicates(l.map((x) => x.participantId)).length === 0, splitMismatch("lists a participant twice"));

export const SplitSpecSchema = z
  .discriminatedUnion("mode", [
    z.strictObject({
      mode: z.literal("equal"),
      participantIds: z
        .array(ParticipantId)
        .min(1)
        .max(500)
        .refine((l) => duplicates(l).length === 0, splitMismatch("lists a participant twice"))
        .optional()
        .openapi({ description: "Who shares the cost; leave out to split among everyone in the plan." }),
    }),
    z.strictObject({
      mode: z.literal("shares"),
      shares: participantList(
        z.strictObject({
          participantId: ParticipantId,
          shares: Decimal4("shares", 0.0001, 1_000_000).openapi({
            example: 2,
            description: "Relative weight, e.g. 2 for a couple, 0.5 for a child.",
          }),
        }),
      ),
    }),
    z.strictObject({
      mode: z.literal("exact"),
      amounts: participantList(z.strictObject({ participantId: ParticipantId, amount: MinorUnitsSchema })).openapi({
        description: "Must add up to the expense's amount.",
      }),
    }),
    z.strictObject({
      mode: z.literal("percent"),
      percents: participantList(
        z.strictObject({
          participantId: ParticipantId,
          percent: Decimal4("percent", 0, 100).openapi({ example: 25 }),
        }),
      )
        .refine(
          (l) => l.reduce((s, x) => s + (toScaled(x.percent) ?? 0), 0) === 100 * DECIMAL_SCALE,
          splitMismatch("percentages must add up to 100"),
        )
        .openapi({ description: "Must add up to exactly 100 (up to 4 decimals each)." }),
    }),
  ])
  .openapi("SplitSpec", { description: "How an expense is divided. Rounding never loses or invents a cent." });
export type SplitSpec = z.output<typeof SplitSpecSchema>;
export type SplitMode = SplitSpec["mode"];

export const ShareSchema = z
  .object({ participantId: ParticipantId, amount: z.number().int() })
  .openapi("Share", { description: "One participant's part, in minor units." });
export type Share = z.infer<typeof ShareSchema>;

export const ExpenseSchema = z
  .object({
    id: idSchema("expense"),
    planId: PlanId,
    description: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    paidByParticipantId: ParticipantId,
    proposalId: ProposalId.nullable(),
    occurredAt: z.iso.datetime().nullable(),
    split: SplitSpecSchema,
    shares: z.array(ShareSchema),
    recordedByParticipantId: ParticipantId.nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Expense");
export type Expense = z.infer<typeof ExpenseSchema>;

/** Exact amounts must add up to the expense's amount (when both are given). */
function exactAmountsAddUp(e: { amount?: number; split?: SplitSpec }, ctx: z.RefinementCtx): void {
  if (e.amount === undefined || e.split?.mode !== "exact") return;
  const sum = e.split.amounts.reduce((s, x) => s + x.amount, 0);
  if (sum !== e.amount) {
    ctx.addIssue({
      code: "custom",
      path: ["split", "amounts"],
      ...splitMismatch(`the exact amounts add up to ${sum}, not the expense's ${e.amount}`),
    });
  }
}

export const CreateExpenseSchema = z
  .strictObject({
    description: Title.openapi({ example: "Taxi from the airport" }),
    amount: Amount,
    currency: CurrencySchema.openapi({ description: "Must be the plan's currency." }),
    paidByParticipantId: ParticipantId.optional().openapi({ description: "Who paid; defaults to the caller." }),
    split: SplitSpecSchema,
    proposalId: ProposalId.optional().openapi({ description: "The proposal this expense pays for, if any." }),
    occurredAt: Instant.optional(),
  })
  .superRefine(exactAmountsAddUp)
  .openapi("CreateExpenseRequest");
export type CreateExpenseInput = z.input<typeof CreateExpenseSchema>;
export type CreateExpense = z.output<typeof CreateExpenseSchema>;

/**
 * A change to a recorded expense: only the fields given change, with the rules of a new one. The
 * amount comes with its currency (the plan's); the shares are worked out again from the split
 * (the given one, or the expense's own) and the amount.
 */
export const UpdateExpenseSchema = z
  .strictObject({
    description: Title.optional(),
    amount: Amount.optional(),
    currency: CurrencySchema.optional().openapi({ description: "Must be the plan's currency; required with `amount`." }),
    paidByParticipantId: ParticipantId.optional().openapi({ description: "Who paid." }),
    split: SplitSpecSchema.optional(),
    occurredAt: Instant.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.amount !== undefined && e.currency === undefined) {
      ctx.addIssue({ code: "custom", path: ["currency"], message: "is required with amount" });
    }
    if (Object.values(e).every((v) => v === undefined)) ctx.addIssue({ code: "custom", path: [], message: "change at least one field" });
    exactAmountsAddUp(e, ctx);
  })
  .openapi("UpdateExpenseRequest");
export type UpdateExpenseInput = z.input<typeof UpdateExpenseSchema>;
export type UpdateExpense = z.output<typeof UpdateExpenseSchema>;

export const BALANCE_STATUSES = ["settled", "owes", "paid", "owed"] as const;
export const BalanceStatusSchema = z.enum(BALANCE_STATUSES).openapi("BalanceStatus", {
  description:
    "`owes`: still has to pay. `paid`: has paid, waiting for the recipient to confirm. `owed`: others still owe them. `settled`: even.",
});
export type BalanceStatus = z.infer<typeof BalanceStatusSchema>;

export const BalanceSchema = z
  .object({
    participantId: ParticipantId,
    paid: z.number().int().openapi({ description: "Expenses this participant paid for." }),
    share: z.number().int().openapi({ description: "Their part of all expenses." }),
    sent: z.number().int().openapi({ description: "Confirmed payments they sent." }),
    received: z.number().int().openapi({ description: "Confirmed payments they received." }),
    pendingOut: z.number().int().openapi({ description: "Payments they sent that await confirmation." }),
    pendingIn: z.number().int().openapi({ description: "Payments to them that await their confirmation." }),
    net: z.number().int().openapi({ description: "paid − share + sent − received. Positive: the others owe them." }),
    outstanding: z.number().int().openapi({ description: "net once pending payments are confirmed." }),
    status: BalanceStatusSchema,
  })
  .openapi("Balance");
export type Balance = z.infer<typeof BalanceSchema>;

export const SettleUpTransferSchema = z
  .object({ fromParticipantId: ParticipantId, toParticipantId: ParticipantId, amount: z.number().int() })
  .openapi("SettleUpTransfer");
export type SettleUpTransfer = z.infer<typeof SettleUpTransferSchema>;

export const PlanBalancesSchema = z
  .object({
    currency: z.string(),
    balances: z.array(BalanceSchema),
    transfers: z.array(SettleUpTransferSchema).openapi({ description: "Suggested payments that settle everyone up." }),
  })
  .openapi("PlanBalances");
export type PlanBalances = z.infer<typeof PlanBalancesSchema>;

export const PAYMENT_STATUSES = ["pending", "received", "cancelled"] as const;
export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES).openapi("PaymentStatus");
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

export const PaymentSchema = z
  .object({
    id: idSchema("payment"),
    planId: PlanId,
    fromParticipantId: ParticipantId,
    toParticipantId: ParticipantId,
    amount: z.number().int(),
    currency: z.string(),
    status: PaymentStatusSchema,
    note: z.string().nullable(),
    recordedByParticipantId: ParticipantId.nullable(),
    createdAt: z.iso.datetime(),
    receivedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
  })
  .openapi("Payment");
export type Payment = z.infer<typeof PaymentSchema>;

export const CreatePaymentSchema = z
  .strictObject({
    fromParticipantId: ParticipantId.optional().openapi({ description: "Who paid; defaults to the caller." }),
    toParticipantId: ParticipantId,
    amount: Amount,
    currency: CurrencySchema.openapi({ description: "Must be the plan's currency." }),
    note: text().trim().max(500).optional(),
  })
  .refine((p) => p.fromParticipantId === undefined || p.fromParticipantId !== p.toParticipantId, {
    message: "a payment goes from one participant to another",
    path: ["toParticipantId"],
  })
  .openapi("CreatePaymentRequest", {
    description:
      "Recorded by the sender it waits for the recipient to confirm; recorded by the recipient or an organizer it counts as received.",
  });
export type CreatePaymentInput = z.input<typeof CreatePaymentSchema>;
export type CreatePayment = z.output<typeof CreatePaymentSchema>;

export const UpdatePaymentSchema = z
  .strictObject({
    status: z.enum(["received", "cancelled"]).openapi({
      description: "`received`: the recipient (or an organizer) confirms it. `cancelled`: withdraw a pending payment.",
    }),
  })
  .openapi("UpdatePaymentRequest");
export type UpdatePayment = z.output<typeof UpdatePaymentSchema>;

export const ExpensePageSchema = pageSchema(ExpenseSchema, "ExpensePage");
export const PaymentPageSchema = pageSchema(PaymentSchema, "PaymentPage");
