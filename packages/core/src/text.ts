import { z } from "./zod.js";

/**
 * Text the API accepts holds no C0 control character other than tab, line feed and carriage
 * return: a NUL would cut the text short when it is read back (SQLite's text functions and many
 * clients stop there), and the others (bell, escape, form feed, …) have no place in a name or a
 * message. The same pattern goes into the OpenAPI spec, so integrators see the rule.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this pattern
export const TEXT_PATTERN = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F]*$/;

/** The message of a text field that holds a control character. */
export const TEXT_PATTERN_MESSAGE = "must not contain control characters (tab and line breaks are allowed)";

/**
 * A string field of a request: refuses control characters (see `TEXT_PATTERN`). Every text
 * schema of the contract starts from this, then adds its own trimming and length:
 * `text().trim().min(1).max(200)`; a string format passes its base (`text(z.url(…))`).
 */
export function text(): z.ZodString;
export function text<S extends z.ZodURL>(base: S): S;
export function text(base: z.ZodString | z.ZodURL = z.string()) {
  return base.regex(TEXT_PATTERN, TEXT_PATTERN_MESSAGE);
}
