import { canonicalTimeZone } from "@gatherkit/core";
import * as rruleModule from "rrule";

/**
 * rrule ships CommonJS for Node and ESM for bundlers: on Node its functions sit on the default
 * export, in a bundle (wrangler) on the module itself.
 */
type RRuleModule = typeof rruleModule;
const rrule: RRuleModule =
  "rrulestr" in rruleModule && typeof rruleModule.rrulestr === "function"
    ? rruleModule
    : (rruleModule as unknown as { default: RRuleModule }).default;

const DATE_VALUE = /^\d{8}(T\d{6}Z?)?$/;

/** Why a recurrence line is not one Google will take, or null when it is fine. */
export function recurrenceIssue(line: string): string | null {
  const [head = "", values = ""] = splitOnce(line, ":");
  const [name, ...params] = head.split(";");
  if (name === "RRULE" || name === "EXRULE") {
    if (params.length > 0) return `${name} takes no parameters`;
    try {
      const rule = rrule.rrulestr(`RRULE:${values}`);
      const { count, interval } = rule.origOptions;
      const positive = (n: number | null | undefined) => n == null || (Number.isInteger(n) && n >= 1);
      if (!positive(count) || !positive(interval)) {
        return "COUNT and INTERVAL must be positive integers";
      }
      if (rule.origOptions.freq === undefined) return "must have a FREQ";
      return null;
    } catch (err) {
      return `is not a valid RRULE (${err instanceof Error ? err.message.slice(0, 100) : "unreadable"})`;
    }
  }
  if (name === "EXDATE" || name === "RDATE") {
    for (const p of params) {
      const [k, v = ""] = splitOnce(p, "=");
      if (k === "TZID") {
        if (canonicalTimeZone(v) === null) return `TZID ${v} is not an IANA time zone`;
      } else if (!(k === "VALUE" && (v === "DATE" || v === "DATE-TIME"))) return `unknown parameter ${k}`;
    }
    const dates = values.split(",");
    if (dates.length === 0 || dates.some((d) => !DATE_VALUE.test(d) || Number.isNaN(Date.parse(isoOf(d))))) {
      return "dates must be YYYYMMDD or YYYYMMDDTHHMMSS(Z), separated by commas";
    }
    return null;
  }
  return "must be an RRULE, EXRULE, RDATE or EXDATE line";
}

const isoOf = (d: string) =>
  `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}${d.length > 8 ? `T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z` : ""}`;

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}
