import fc from "fast-check";
import { expect } from "vitest";
import { DomainError, type ErrorCode } from "../errors.js";

/** Participant ids `ptc_…` that sort in a known order. */
export const pid = (n: number) => `ptc_${String(n).padStart(8, "0")}`;

/** 1..max distinct participant ids, in random order. */
export const participantIds = (max = 12) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: max }).map((ns) => ns.map(pid));

/** Runs `fn` and checks it throws a DomainError with `status` and `code`. */
export function expectDomainError(fn: () => unknown, status: number, code: ErrorCode): DomainError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DomainError);
  const err = caught as DomainError;
  expect({ status: err.status, code: err.code }).toEqual({ status, code });
  expect(err.detail.length).toBeGreaterThan(0);
  return err;
}
