import { idSchema } from "../ids.js";
import { PageQuerySchema, pageSchema } from "../pagination.js";
import { text } from "../text.js";
import { canonicalTimeZone } from "../time.js";
import { z } from "../zod.js";

export const RoleSchema = z.enum(["owner", "admin", "staff"]).openapi("Role");
export type Role = z.infer<typeof RoleSchema>;

const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())
  .openapi({ example: "ada@example.com" });
const Password = z.string().min(10, "must be at least 10 characters").max(200).openapi({ example: "correct horse battery" });

export const SignUpSchema = z
  .strictObject({
    email: Email,
    password: Password,
    name: text().trim().min(1).max(120).openapi({ example: "Ada Lovelace" }),
    organizationName: text().trim().min(1).max(120).openapi({ example: "Ada's Events" }),
  })
  .openapi("SignUpRequest");
export type SignUpInput = z.input<typeof SignUpSchema>;

export const SignInSchema = z
  .strictObject({
    email: Email,
    password: z.string().min(1).max(200),
    organizationId: idSchema("organization")
      .optional()
      .openapi({ description: "Which of your organizations to sign in to. Default: the one you joined first." }),
  })
  .openapi("SignInRequest");
export type SignInInput = z.input<typeof SignInSchema>;

export const RefreshSchema = z
  .strictObject({
    refreshToken: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "Omit in browsers: the HTTP-only `gk_refresh` cookie is used instead." }),
  })
  .openapi("RefreshRequest");

export const UserSchema = z
  .object({
    id: idSchema("user"),
    email: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime(),
  })
  .openapi("User");
export type User = z.infer<typeof UserSchema>;

/**
 * How buyers pay with Stripe, the organizer's choice: Stripe's Payment Element in the widget (a
 * PaymentIntent), Stripe Checkout embedded in the widget, or Stripe Checkout's own page (the buyer
 * goes there and comes back to the page they came from).
 */
export const CheckoutModeSchema = z.enum(["payment_element", "checkout_embedded", "checkout_redirect"]).openapi("CheckoutMode", {
  description:
    "How buyers pay with Stripe: `payment_element` (Stripe's Payment Element in the widget), `checkout_embedded` (Stripe Checkout embedded in the widget) or `checkout_redirect` (Stripe Checkout's own page, then back to the buyer's page).",
});
export type CheckoutMode = z.infer<typeof CheckoutModeSchema>;

export const OrganizationSchema = z
  .object({
    id: idSchema("organization"),
    name: z.string(),
    timeZone: z.string().openapi({
      example: "Europe/Lisbon",
      description: "IANA time zone the dashboard shows times in and buckets daily figures by (`UTC` until set).",
    }),
    checkoutMode: CheckoutModeSchema.nullable().openapi({
      description:
        "How its buyers pay with Stripe (ticket orders); null: the deployment's default (`STRIPE_CHECKOUT`). The local provider (no Stripe configured) ignores it.",
    }),
    createdAt: z.iso.datetime(),
  })
  .openapi("Organization");
export type Organization = z.infer<typeof OrganizationSchema>;

/** An organization's time zone: an IANA name the runtime knows (canonicalised), else 422 `invalid_time_zone`. */
export const OrganizationTimeZoneSchema = text()
  .max(64)
  .refine((s) => canonicalTimeZone(s) !== null, {
    message: "must be an IANA time zone name such as Europe/Paris",
    params: { code: "invalid_time_zone" },
  })
  .transform((s) => canonicalTimeZone(s) ?? s)
  .openapi({ example: "Europe/Paris", description: "IANA time zone name." });

export const UpdateOrganizationSchema = z
  .strictObject({
    name: text().trim().min(1).max(120).optional(),
    timeZone: OrganizationTimeZoneSchema.optional(),
    checkoutMode: CheckoutModeSchema.nullable()
      .optional()
      .openapi({ description: "How buyers pay with Stripe; null goes back to the deployment's default." }),
  })
  .refine(
    (o) => o.name !== undefined || o.timeZone !== undefined || o.checkoutMode !== undefined,
    "give a name, a timeZone or a checkoutMode",
  )
  .openapi("UpdateOrganizationRequest");

export const MemberSchema = z
  .object({
    id: idSchema("member"),
    userId: idSchema("user"),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    createdAt: z.iso.datetime(),
  })
  .openapi("Member");
export type Member = z.infer<typeof MemberSchema>;

export const AddMemberSchema = z
  .strictObject({
    email: Email,
    role: z.enum(["admin", "staff"]),
  })
  .openapi("AddMemberRequest");

/** What `POST /v1/organization/members` answers: the invitation, the same whether or not the address has an account. */
export const MemberInvitationSchema = z
  .object({
    id: idSchema("memberInvitation"),
    email: z.string(),
    role: z.enum(["admin", "staff"]),
    status: z.enum(["pending", "accepted", "revoked", "expired"]),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .openapi("MemberInvitation");
export type MemberInvitation = z.infer<typeof MemberInvitationSchema>;

export const AcceptInvitationSchema = z
  .strictObject({
    token: text()
      .min(1)
      .max(200)
      .openapi({ example: "gk_inv_0123456789abcdefghjkmnpqrstvwx", description: "The token from the invitation email." }),
  })
  .openapi("AcceptInvitationRequest");

export const AcceptedInvitationSchema = z.object({ organization: OrganizationSchema, member: MemberSchema }).openapi("AcceptedInvitation");
export type AcceptedInvitation = z.infer<typeof AcceptedInvitationSchema>;

export const UpdateMemberSchema = z.strictObject({ role: RoleSchema }).openapi("UpdateMemberRequest");

/** The signed-in organizer: who they are, in which organization, with which role. */
export const MeSchema = z.object({ user: UserSchema, organization: OrganizationSchema, role: RoleSchema }).openapi("Me");
export type Me = z.infer<typeof MeSchema>;

/** What sign-up, sign-in and refresh return. Browsers also get the tokens as HTTP-only cookies. */
export const SessionSchema = z
  .object({
    accessToken: z.string(),
    accessTokenExpiresAt: z.iso.datetime(),
    refreshToken: z.string(),
    refreshTokenExpiresAt: z.iso.datetime(),
    user: UserSchema,
    organization: OrganizationSchema,
    role: RoleSchema,
  })
  .openapi("Session");
export type Session = z.infer<typeof SessionSchema>;

// ---- API keys -------------------------------------------------------------

export const SecretKeySchema = z
  .object({
    id: idSchema("secretKey"),
    name: z.string(),
    prefix: z.string().openapi({ example: "gk_sk_3k9x", description: "The first characters, to recognise the key." }),
    role: RoleSchema.openapi({
      description:
        "What the key may do: at most its creator's role, and never more than the creator's current role. No key may change who owns the organization.",
    }),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("SecretKey");
export type SecretKey = z.infer<typeof SecretKeySchema>;

export const CreatedSecretKeySchema = SecretKeySchema.extend({
  secret: z.string().openapi({ example: "gk_sk_…", description: "Shown once. Store it now: only a hash is kept." }),
}).openapi("CreatedSecretKey");

export const CreateSecretKeySchema = z
  .strictObject({
    name: text().trim().min(1).max(80).openapi({ example: "Production server" }),
    role: RoleSchema.optional().openapi({
      description: "The key's role: your own role (the default) or a lower one. Asking for more than your role is refused (403).",
    }),
  })
  .openapi("CreateSecretKeyRequest");

const Origin = text()
  .max(200)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === s;
    } catch {
      return false;
    }
  }, "must be an origin such as https://example.com (scheme, host and optional port, no path)")
  .openapi({ example: "https://example.com" });

export const PublishableKeySchema = z
  .object({
    id: idSchema("publishableKey"),
    name: z.string(),
    key: z.string().openapi({ example: "gk_pk_…" }),
    allowedOrigins: z.array(z.string()),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("PublishableKey");
export type PublishableKey = z.infer<typeof PublishableKeySchema>;

export const CreatePublishableKeySchema = z
  .strictObject({
    name: text().trim().min(1).max(80).openapi({ example: "Marketing site" }),
    allowedOrigins: z.array(Origin).min(1).max(20),
  })
  .openapi("CreatePublishableKeyRequest");

export const UpdatePublishableKeySchema = z
  .strictObject({
    name: text().trim().min(1).max(80).optional(),
    allowedOrigins: z.array(Origin).min(1).max(20).optional(),
  })
  .refine((o) => o.name !== undefined || o.allowedOrigins !== undefined, "send at least one of name, allowedOrigins")
  .openapi("UpdatePublishableKeyRequest");

// ---- participants ---------------------------------------------------------

export const CreateParticipantTokenSchema = z
  .strictObject({
    externalId: text().min(1).max(200).openapi({ example: "user_42", description: "Your own id for this user." }),
    name: text().trim().min(1).max(120).openapi({ example: "Grace Hopper" }),
    email: Email.optional(),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(60 * 60 * 24 * 30)
      .default(60 * 60 * 24)
      .openapi({ description: "Lifetime of the token, 1 minute to 30 days. Default 1 day." }),
  })
  .openapi("CreateParticipantTokenRequest");

export const ParticipantSchema = z
  .object({
    id: idSchema("participant"),
    externalId: z.string().nullable(),
    name: z.string(),
    email: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Participant");
export type Participant = z.infer<typeof ParticipantSchema>;

export const ParticipantTokenSchema = z
  .object({
    token: z.string(),
    expiresAt: z.iso.datetime(),
    participant: ParticipantSchema,
  })
  .openapi("ParticipantToken");
export type ParticipantToken = z.infer<typeof ParticipantTokenSchema>;

// ---- forgotten password ------------------------------------------------------------------------

export const PasswordResetRequestSchema = z
  .strictObject({ email: Email })
  .openapi("PasswordResetRequest", { description: "Who forgot their password." });
export type PasswordResetRequestInput = z.input<typeof PasswordResetRequestSchema>;

export const PasswordResetRequestedSchema = z
  .object({
    message: z.string().openapi({
      example: "If an account uses this email, a link to choose a new password is on its way. It works once, for a limited time.",
    }),
  })
  .openapi("PasswordResetRequested");
export type PasswordResetRequested = z.infer<typeof PasswordResetRequestedSchema>;

export const PasswordResetConfirmSchema = z
  .strictObject({
    token: text().min(1).max(200).openapi({ description: "The token from the emailed link.", example: "gk_pwr_0123456789abcdef" }),
    password: Password,
  })
  .openapi("PasswordResetConfirm");
export type PasswordResetConfirmInput = z.input<typeof PasswordResetConfirmSchema>;

// ---- request log -------------------------------------------------------------------------------

export const RequestLogEntrySchema = z
  .object({
    requestId: z.string().openapi({ example: "req_0123456789abcdefghjk", description: "The `x-request-id` the answer carried." }),
    method: z.string().openapi({ example: "POST" }),
    path: z.string().openapi({ example: "/v1/events", description: "The path without its query string." }),
    status: z.number().int().openapi({ example: 422 }),
    code: z
      .string()
      .nullable()
      .openapi({ example: "validation_failed", description: "The problem's `code` when the answer was an error." }),
    callerKind: z.enum(["user", "secret_key", "publishable_key", "participant"]),
    durationMs: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi("RequestLogEntry");
export type RequestLogEntry = z.infer<typeof RequestLogEntrySchema>;

export const RequestLogQuerySchema = PageQuerySchema.extend({
  failed: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({
      param: { name: "failed", in: "query" },
      description: "Only answers with a status of 400 or more (`true`), or only successes (`false`).",
    }),
});
export type RequestLogQuery = z.output<typeof RequestLogQuerySchema>;
export const RequestLogPageSchema = pageSchema(RequestLogEntrySchema, "RequestLogPage");
export const SsoConfigSchema = z
  .object({
    enabled: z.boolean().openapi({ description: "Whether organizers can sign in with this deployment's OpenID Connect provider." }),
    name: z.string().nullable().openapi({ description: "The provider's name for the sign-in button.", example: "Keycloak" }),
    startUrl: z.string().nullable().openapi({
      description: "Where to send the browser to sign in (add `?returnTo=/path` to come back there).",
      example: "/v1/auth/sso/start",
    }),
  })
  .openapi("SsoConfig");
export type SsoConfig = z.infer<typeof SsoConfigSchema>;

export const SsoStartQuerySchema = z.object({
  returnTo: z
    .string()
    .max(500)
    .regex(/^\/([^/\\\s]\S*)?$/, "must be a path on this site, such as /dashboard/")
    .optional()
    .openapi({ description: "A path on the API's site to return to once signed in (default `/dashboard/`).", example: "/dashboard/" }),
});

export const SsoCallbackQuerySchema = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
});
