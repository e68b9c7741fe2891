import { isCurrencyCode } from "./currencies.js";
import { z } from "./zod.js";

/**
 * Money is an integer count of the currency's minor units (cents for EUR, yen for JPY) plus an
 * ISO 4217 code. Amounts never travel as floats, so no cent is ever lost to rounding.
 */

/** Largest amount accepted anywhere: 10^12 minor units (ten billion euros). Sums of many stay exact. */
export const MAX_MINOR_UNITS = 1_000_000_000_000;

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 currency code: three upper-case letters such as EUR", abort: true })
  .refine(isCurrencyCode, "must be an assigned ISO 4217 currency code such as EUR (not a made-up one)")
  .openapi({ example: "EUR", description: "An assigned ISO 4217 currency code (List One, without XTS and XXX)." });
export type Currency = z.infer<typeof CurrencySchema>;

/**
 * Largest money total of one plan: its live expenses, the costs of its selected proposals that
 * someone collects, and its pending and received payments, together: 10^15 minor units. Every
 * balance then stays within ±2·10^15 and every sum the balances and the settle-up suggestions
 * make is an exact integer (below 2^53) in JavaScript and in JSON. A write that would take a
 * plan past it is refused with 422 `plan_total_exceeded`.
 */
export const MAX_PLAN_TOTAL = 1_000_000_000_000_000;

/** A non-negative integer amount in minor units. */
export const MinorUnitsSchema = z
  .number()
  .int("must be a whole number of minor units (cents), not a decimal")
  .min(0)
  .max(MAX_MINOR_UNITS)
  .openapi({ example: 4200, description: "Integer amount in the currency's minor units (4200 = 42.00 EUR)." });

export const MoneySchema = z
  .object({ amount: z.number().int(), currency: z.string() })
  .openapi("Money", { description: "An integer amount of minor units and its ISO 4217 currency." });
export type Money = z.infer<typeof MoneySchema>;

/** Digits after the decimal point for a currency (2 for EUR, 0 for JPY, 3 for KWD). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Human text for an amount, e.g. `formatMoney(4200, "EUR")` → "€42.00". */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount / 10 ** digits);
}

/**
 * Splits `total` minor units in proportion to integer `weights` by the largest-remainder
 * method: everyone gets the floor of their exact share, then the cents left over go one each
 * to the largest fractional remainders, ties to the lower index. The parts always add up to
 * exactly `total`, none is negative, and each differs from its exact share by less than one.
 * Exact arithmetic (BigInt) keeps this right for any safe-integer total and weights.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative safe integer, got ${total}`);
  if (weights.length === 0) throw new RangeError("weights must not be empty");
  let sum = 0n;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weights must be non-negative safe integers, got ${w}`);
    sum += BigInt(w);
  }
  if (sum === 0n) throw new RangeError("weights must not all be zero");
  const t = BigInt(total);
  const parts = weights.map((w) => (t * BigInt(w)) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % sum }));
  let left = Number(t - parts.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i] = parts[i]! + 1n;
    left--;
  }
  return parts.map(Number);
}
