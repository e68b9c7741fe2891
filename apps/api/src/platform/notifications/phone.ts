import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/min";

/**
 * A phone number as typed (`(415) 555-0100`, `+44 20 7946 0958`) in E.164 (`+14155550100`), or
 * undefined when it is not a valid number. National numbers need `defaultCountry`.
 */
export function toE164(input: string, defaultCountry?: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(input, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}
