/**
 * Whether `err` (or one of its causes) is a unique-constraint failure on `table.column`.
 * libSQL says "UNIQUE constraint failed: users.email", D1 "D1_ERROR: UNIQUE constraint failed: users.email: …";
 * drizzle wraps either in a DrizzleQueryError whose `cause` is the driver's error.
 */
export function isUniqueViolation(err: unknown, column: string): boolean {
  const needle = `UNIQUE constraint failed: ${column}`;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message.includes(needle)) return true;
  }
  return false;
}
