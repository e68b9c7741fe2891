/**
 * Formatting for the widgets: instants in the event's, plan's or place's time zone, date ranges,
 * countdowns and money in minor units. Everything goes through `Intl`, in the widget's locale
 * (`GkElement.resolvedLocale`; `undefined` is the browser's).
 */

const cache = new Map<string, Intl.DateTimeFormat>();
/** One `Intl.DateTimeFormat` per locale and set of options. */
export function dateTimeFormat(options: Intl.DateTimeFormatOptions, locale?: string): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/** An ISO instant as a date and time in `timeZone` (default: the visitor's), e.g. "1 Jul 2030, 18:00". */
export function formatInstant(iso: string, timeZone?: string, locale?: string): string {
  return dateTimeFormat({ dateStyle: "medium", timeStyle: "short", timeZone }, locale).format(new Date(iso));
}

/** A start and optional end instant ("1 Jul 2030, 09:00 – 12:00"), in `timeZone`. */
export function formatInstantRange(start: string, end: string | null, timeZone: string, locale?: string): string {
  const f = dateTimeFormat({ dateStyle: "medium", timeStyle: "short", timeZone }, locale);
  return end ? f.formatRange(new Date(start), new Date(end)) : f.format(new Date(start));
}

/** Plan dates (`2030-07-01`, days in the plan's zone) as "1–7 Jul 2030". */
export function formatDates(startDate: string | null, endDate: string | null, locale?: string): string | null {
  if (!startDate) return null;
  const f = dateTimeFormat({ dateStyle: "medium", timeZone: "UTC" }, locale);
  const start = new Date(`${startDate}T00:00:00Z`);
  return endDate && endDate !== startDate ? f.formatRange(start, new Date(`${endDate}T00:00:00Z`)) : f.format(start);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "in 2 days", "in 3 hours", "in 5 minutes", "now" within a minute; "5 minutes ago" for the past. */
export function formatCountdown(iso: string, now: number, locale?: string): string {
  const diff = Date.parse(iso) - now;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return rtf.format(Math.trunc(diff / ms), unit);
  }
  return rtf.format(0, "second");
}

/** Digits after the decimal point of `currency` (2 for EUR, 0 for JPY, 3 for BHD). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units as money: 1250 EUR → "€12.50" in English, "12,50 €" in German. */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
}

/** A length of time in the locale's units: "2 hr" / "2 Std." for whole hours, else "90 min". */
export function formatDuration(minutes: number, locale?: string): string {
  const hours = minutes % 60 === 0;
  return new Intl.NumberFormat(locale, { style: "unit", unit: hours ? "hour" : "minute", unitDisplay: "short" }).format(
    hours ? minutes / 60 : minutes,
  );
}
