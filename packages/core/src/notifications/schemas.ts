import { pageSchema } from "../pagination.js";
import { z } from "../zod.js";

export const InboxItemSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_0123456789abcdefghjk" }),
    kind: z.string().openapi({ example: "plan_finalized", description: "What the notification is about; one template per kind." }),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().openapi({ description: "Where the notification leads, if anywhere." }),
    subjectId: z.string().nullable().openapi({ example: "plan_0123456789abcdefghjk", description: "The object it is about." }),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("InboxItem");
export type InboxItem = z.infer<typeof InboxItemSchema>;

export const InboxPageSchema = pageSchema(InboxItemSchema, "InboxPage");

export const InboxUnreadSchema = z
  .object({ unread: z.number().int().nonnegative().openapi({ example: 3 }) })
  .openapi("InboxUnread", { description: "How many inbox items the caller has not read." });

export const InboxReadAllResultSchema = z
  .object({ marked: z.number().int().nonnegative(), unread: z.literal(0) })
  .openapi("InboxReadAllResult");

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be base64url (${what})`)
    .refine((s) => Math.floor((s.replace(/=+$/, "").length * 3) / 4) === bytes, `must be ${bytes} bytes (${what})`);

/** What a browser's `PushSubscription.toJSON()` gives (expirationTime is ignored). */
export const CreatePushSubscriptionSchema = z
  .object({
    endpoint: z.url().max(2000).openapi({
      example: "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
      description: "The push service URL the browser gave.",
    }),
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({
      p256dh: base64url(65, "an uncompressed P-256 public key").refine(
        (s) => s.startsWith("B"),
        "must be an uncompressed P-256 point (starts with 0x04)",
      ),
      auth: base64url(16, "the auth secret"),
    }),
  })
  .openapi("CreatePushSubscriptionRequest");
export type CreatePushSubscription = z.infer<typeof CreatePushSubscriptionSchema>;

export const PushSubscriptionSchema = z
  .object({ id: z.string().openapi({ example: "psub_0123456789abcdefghjk" }), endpoint: z.string(), createdAt: z.iso.datetime() })
  .openapi("PushSubscription");
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionSchema>;

export const PushKeySchema = z
  .object({
    publicKey: z
      .string()
      .openapi({ description: "The VAPID public key (base64url): pass it as `applicationServerKey` to `pushManager.subscribe`." }),
  })
  .openapi("PushKey");
