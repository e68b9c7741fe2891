import { z } from "./zod.js";

/** Every id prefix Gatherkit hands out. The prefix tells a reader what an id names. */
export const ID_PREFIXES = {
  organization: "org",
  user: "usr",
  member: "mem",
  secretKey: "sk",
  publishableKey: "pk",
  participant: "ptc",
  refreshToken: "rt",
  memberInvitation: "minv",
  passwordReset: "pwr",
  plan: "plan",
  event: "evt",
  ticket: "tkt",
  ticketType: "tt",
  quota: "qta",
  order: "ord",
  orderLine: "ol",
  checkinList: "cil",
  checkin: "chk",
  refund: "rfd",
  discountCode: "dsc",
  waitlistEntry: "wle",
  guest: "gst",
  rsvpChange: "rsvp",
  eventSession: "ses",
  sessionSignup: "ssu",
  place: "plc",
  booking: "bkg",
  review: "rvw",
  planParticipant: "pp",
  invite: "inv",
  proposal: "prop",
  vote: "vote",
  expense: "exp",
  payment: "pay",
  message: "msg",
  outbox: "obx",
  delivery: "dlv",
  suppressionLift: "sul",
  localMessage: "lm",
  inboxItem: "ntf",
  pushSubscription: "psub",
  request: "req",
  webhookEndpoint: "whe",
  webhookEvent: "whevt",
  webhookDelivery: "whd",
  upload: "file",
  client: "cli",
  oauthState: "cos",
  syncRule: "csr",
  calendarJob: "cjob",
  calendarFeed: "cfeed",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/**
 * WebCrypto's random bytes, drawn a few kilobytes at a time: every request takes ids (its request
 * id, its rows'), and one `getRandomValues` call per id cost more than the id. Filled on first use
 * (Workers allow no random values at global scope); each byte is handed out once.
 */
const POOL_BYTES = 4096;
let pool: Uint8Array | undefined;
let poolOffset = POOL_BYTES;
function randomBytes(n: number): Uint8Array {
  if (n > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(n));
  if (!pool || poolOffset + n > POOL_BYTES) {
    pool = crypto.getRandomValues(pool ?? new Uint8Array(POOL_BYTES));
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

/** Random base32 string of `length` characters (5 bits each) from WebCrypto. */
export function randomToken(length = 22): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 31];
  return out;
}

/** A new prefixed id such as `plan_3k9x…`: 20 random base32 characters, 100 bits. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomToken(20)}`;
}

/** An id kind as words for people, with its article: `ticketType` → "a ticket type", `event` → "an event". */
function kindInWords(kind: IdKind): string {
  const words = kind.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  return `${/^(?:[aeio]|u(?!s))/.test(words) ? "an" : "a"} ${words}`; // "a user", "an upload"
}

/** A zod schema accepting only ids of one kind. */
export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIXES[kind];
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{8,40}$`), `must be ${kindInWords(kind)} id starting with "${prefix}_"`)
    .openapi({ example: `${prefix}_0123456789abcdefghjk` });
}
