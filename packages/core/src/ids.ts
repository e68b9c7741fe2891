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
  guest: "gst",
  rsvpChange: "rsvp",
  eventSession: "ses",
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
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/** Random base32 string of `length` characters (5 bits each) from WebCrypto. */
export function randomToken(length = 22): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** A new prefixed id such as `plan_3k9x…`: 20 random base32 characters, 100 bits. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomToken(20)}`;
}

/** A zod schema accepting only ids of one kind. */
export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIXES[kind];
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{8,40}$`), `must be a ${kind} id starting with "${prefix}_"`)
    .openapi({ example: `${prefix}_0123456789abcdefghjk` });
}
