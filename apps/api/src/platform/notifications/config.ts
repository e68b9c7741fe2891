import type { Db } from "@gatherkit/db";
import { createMessageSender, DEFAULT_PUSH_SERVICE_ORIGINS } from "./deliver.js";
import type { FanOutDeps } from "./fanout.js";
import { createLocalEmailProvider, createLocalSmsProvider } from "./local.js";
import type { EmailProvider, NotificationProviders, SmsProvider } from "./providers.js";
import { createResendProvider, type SvixHeaders, verifySvix } from "./resend.js";
import { createTwilioProvider } from "./twilio.js";

/**
 * The notification providers chosen by configuration (process.env on Node, vars and secrets on
 * Workers). Local providers unless EMAIL_PROVIDER / SMS_PROVIDER name a real one, whose settings
 * are then required. `fan` wires notifications to the domains that send them (resolvers) and the
 * config that signs unsubscribe links.
 */
export function notificationsFromEnv(env: Record<string, string | undefined>, deps: ProviderDeps) {
  return createMessageSender(providersFromEnv(env, deps), deps.fan);
}

/** The path of the email provider's webhooks (see email-events.routes.ts). */
export const EMAIL_EVENTS_PATH = "/v1/notifications/email/events";

/** The path of Twilio's status callbacks (see sms-status.routes.ts). */
export const SMS_STATUS_PATH = "/v1/notifications/sms/status";

type ProviderDeps = { db: Db; now: () => number; fetch?: typeof fetch; fan?: FanOutDeps };

export function providersFromEnv(env: Record<string, string | undefined>, deps: ProviderDeps): NotificationProviders {
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set (needed by the configured notification provider).`);
    return v;
  };
  const emailFrom = env.EMAIL_FROM ?? "Gatherkit <notifications@gatherkit.localhost>";
  let email: EmailProvider;
  switch (env.EMAIL_PROVIDER ?? "local") {
    case "local":
      email = createLocalEmailProvider({ db: deps.db, from: emailFrom, now: deps.now });
      break;
    case "resend":
      email = createResendProvider({
        apiKey: need("RESEND_API_KEY"),
        from: need("EMAIL_FROM"),
        baseUrl: env.RESEND_API_URL,
        fetch: deps.fetch,
        now: deps.now,
      });
      break;
    default:
      throw new Error(`EMAIL_PROVIDER must be "local" or "resend", got "${env.EMAIL_PROVIDER}".`);
  }
  let sms: SmsProvider;
  switch (env.SMS_PROVIDER ?? "local") {
    case "local":
      sms = createLocalSmsProvider({ db: deps.db, from: env.SMS_FROM ?? "Gatherkit", now: deps.now });
      break;
    case "twilio":
      sms = createTwilioProvider({
        accountSid: need("TWILIO_ACCOUNT_SID"),
        authToken: need("TWILIO_AUTH_TOKEN"),
        from: need("SMS_FROM"),
        baseUrl: env.TWILIO_API_URL,
        fetch: deps.fetch,
        now: deps.now,
        ...(deps.fan ? { statusCallback: `${deps.fan.config.publicUrl.replace(/\/+$/, "")}${SMS_STATUS_PATH}` } : {}),
      });
      break;
    default:
      throw new Error(`SMS_PROVIDER must be "local" or "twilio", got "${env.SMS_PROVIDER}".`);
  }
  const push =
    env.VAPID_PUBLIC_KEY || env.VAPID_PRIVATE_KEY
      ? {
          keys: {
            publicKey: need("VAPID_PUBLIC_KEY"),
            privateKey: need("VAPID_PRIVATE_KEY"),
            subject: env.VAPID_SUBJECT ?? "mailto:admin@gatherkit.localhost",
          },
          serviceOrigins: env.PUSH_SERVICE_ORIGINS
            ? env.PUSH_SERVICE_ORIGINS.split(",")
                .map((o) => o.trim())
                .filter(Boolean)
            : DEFAULT_PUSH_SERVICE_ORIGINS,
          fetch: deps.fetch,
        }
      : undefined;
  const webhookSecret = env.EMAIL_PROVIDER === "resend" ? env.RESEND_WEBHOOK_SECRET : undefined;
  const verifyEmailEvent = webhookSecret
    ? (h: SvixHeaders, body: string, now: number) => verifySvix(webhookSecret, h, body, now)
    : undefined;
  return { email, sms, ...(push ? { push } : {}), ...(verifyEmailEvent ? { verifyEmailEvent } : {}) };
}
