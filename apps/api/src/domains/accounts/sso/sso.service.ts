import type { Session, SsoConfig } from "@gatherkit/core";
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError } from "arctic";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { ApiError } from "../../../lib/errors.js";
import type { Config, Deps } from "../../../lib/types.js";
import { openSession, userByEmail } from "../auth/auth.service.js";

/**
 * Organizers' single sign-on with the deployment's OpenID Connect provider (Auth0, Keycloak,
 * Google, Entra…): authorization code flow with PKCE (S256), `state` and `nonce` kept in a signed,
 * HTTP-only cookie of this browser (so a callback started elsewhere is refused), the ID token
 * checked with jose against the provider's JWKS (cached; a key id it has not seen refetches it),
 * and the account found by the token's email, only if the provider says it is verified.
 */

export const SSO_COOKIE = "gk_sso";
export const SSO_COOKIE_PATH = "/v1/auth/sso";
const STATE_TTL_SECONDS = 600;
const STATE_AUDIENCE = "gatherkit-sso-state";

type Sso = NonNullable<Config["sso"]>;
interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export function ssoConfig(deps: Deps): SsoConfig {
  const sso = deps.config.sso;
  return sso ? { enabled: true, name: sso.name, startUrl: "/v1/auth/sso/start" } : { enabled: false, name: null, startUrl: null };
}

function configured(deps: Deps): Sso {
  const sso = deps.config.sso;
  if (!sso)
    throw new ApiError(
      404,
      "sso_not_configured",
      "Single sign-on is not configured on this server (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET).",
    );
  return sso;
}

// Per process or isolate: the provider's discovery document and its JWKS (jose caches the keys
// and refetches when a token names a key id it does not have, so the provider can rotate).
const providers = new Map<string, Promise<{ discovery: Discovery; jwks: ReturnType<typeof createRemoteJWKSet> }>>();

function provider(sso: Sso) {
  let p = providers.get(sso.issuer);
  if (!p) {
    p = (async () => {
      const res = await fetch(`${sso.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, {
        headers: { accept: "application/json" },
      });
      if (!res.ok) throw new Error(`discovery answered ${res.status}`);
      const discovery = (await res.json()) as Discovery;
      if (discovery.issuer !== sso.issuer) throw new Error(`discovery names issuer ${discovery.issuer}, not ${sso.issuer}`);
      return { discovery, jwks: createRemoteJWKSet(new URL(discovery.jwks_uri)) };
    })().catch((err) => {
      providers.delete(sso.issuer);
      throw new ApiError(
        502,
        "sso_provider_error",
        `The sign-in provider could not be reached or described itself wrongly (${String(err)}).`,
      );
    });
    providers.set(sso.issuer, p);
  }
  return p;
}

const client = (deps: Deps, sso: Sso) =>
  new OAuth2Client(sso.clientId, sso.clientSecret, `${deps.config.publicUrl}${SSO_COOKIE_PATH}/callback`);
const stateKey = (deps: Deps) => new TextEncoder().encode(`gatherkit sso state\n${deps.config.jwtSecret}`);

/** The provider's consent URL and the cookie that binds this sign-in to this browser. */
export async function start(deps: Deps, returnTo = "/dashboard/"): Promise<{ location: string; cookie: string; maxAge: number }> {
  const sso = configured(deps);
  const { discovery } = await provider(sso);
  const state = generateState();
  const nonce = generateState();
  const verifier = generateCodeVerifier();
  const url = client(deps, sso).createAuthorizationURLWithPKCE(
    discovery.authorization_endpoint,
    state,
    CodeChallengeMethod.S256,
    verifier,
    ["openid", "email", "profile"],
  );
  url.searchParams.set("nonce", nonce);
  const now = Math.floor(deps.now() / 1000);
  const cookie = await new SignJWT({ state, nonce, verifier, returnTo })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(STATE_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + STATE_TTL_SECONDS)
    .sign(stateKey(deps));
  return { location: url.toString(), cookie, maxAge: STATE_TTL_SECONDS };
}

/** Where the provider sends the browser back: checks everything, then opens a session for the linked account. */
export async function callback(
  deps: Deps,
  cookie: string | undefined,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<{ session: Session; returnTo: string }> {
  const sso = configured(deps);
  const saved = await readState(deps, cookie);
  if (!query.state || query.state !== saved.state) {
    throw new ApiError(400, "sso_state_invalid", "This sign-in was not started in this browser (or was started again since): start over.");
  }
  if (query.error || !query.code) {
    throw new ApiError(400, "sso_provider_error", `The sign-in provider refused: ${query.error ?? "no code"}.`);
  }
  const { discovery, jwks } = await provider(sso);
  let idToken: string;
  try {
    idToken = (await client(deps, sso).validateAuthorizationCode(discovery.token_endpoint, query.code, saved.verifier)).idToken();
  } catch (err) {
    if (err instanceof OAuth2RequestError)
      throw new ApiError(400, "sso_provider_error", `The sign-in provider refused the code (${err.code}).`);
    throw new ApiError(502, "sso_provider_error", "The sign-in provider did not answer with an ID token.");
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(idToken, jwks, {
      issuer: discovery.issuer,
      audience: sso.clientId,
      currentDate: new Date(deps.now()),
      clockTolerance: 60,
    }));
  } catch (err) {
    const why = err instanceof errors.JOSEError ? err.code : "unreadable";
    throw new ApiError(401, "sso_token_invalid", `The provider's ID token was refused (${why}).`);
  }
  if (claims.nonce !== saved.nonce) throw new ApiError(401, "sso_token_invalid", "The provider's ID token was refused (nonce mismatch).");
  const email = typeof claims.email === "string" ? claims.email.toLowerCase() : null;
  if (!email || claims.email_verified !== true) {
    throw new ApiError(
      403,
      "sso_email_unverified",
      "The provider did not vouch for an email address: accounts are linked by verified email only.",
    );
  }
  const user = await userByEmail(deps, email);
  if (!user)
    throw new ApiError(403, "sso_no_account", `No organizer account has the email ${email}: sign up or ask for an invitation first.`);
  return { session: await openSession(deps, user), returnTo: saved.returnTo };
}

async function readState(
  deps: Deps,
  cookie: string | undefined,
): Promise<{ state: string; nonce: string; verifier: string; returnTo: string }> {
  if (!cookie) throw new ApiError(400, "sso_state_invalid", "This sign-in was not started in this browser: start over.");
  try {
    const { payload } = await jwtVerify(cookie, stateKey(deps), { audience: STATE_AUDIENCE, currentDate: new Date(deps.now()) });
    const { state, nonce, verifier, returnTo } = payload as Record<string, unknown>;
    if (typeof state === "string" && typeof nonce === "string" && typeof verifier === "string" && typeof returnTo === "string") {
      return { state, nonce, verifier, returnTo };
    }
  } catch {}
  throw new ApiError(400, "sso_state_invalid", "This sign-in expired or was not started here: start over.");
}
