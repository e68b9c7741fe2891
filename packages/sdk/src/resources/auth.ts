import type { RequestOptions } from "../core.js";
import type {
  Me,
  PasswordResetConfirmParams,
  PasswordResetRequestParams,
  RefreshParams,
  Session,
  SignInParams,
  SignUpParams,
  SsoConfig,
} from "../types.js";
import { APIResource } from "./resource.js";

/**
 * Organizer sessions. A client built without a key or token keeps the session that
 * `signUp`, `signIn` and `refresh` return and sends its access token from then on;
 * `signOut` forgets it. Browsers also get the session as HTTP-only cookies.
 */
export class Auth extends APIResource {
  /** Creates a user and their organization (they become its owner) and signs them in. */
  async signUp(params: SignUpParams, options?: RequestOptions): Promise<Session> {
    return this.#keep(await this._transport.request<Session>("POST", "/v1/auth/sign-up", { ...options, body: params, auth: "none" }));
  }

  /** Signs in with email and password. */
  async signIn(params: SignInParams, options?: RequestOptions): Promise<Session> {
    return this.#keep(await this._transport.request<Session>("POST", "/v1/auth/sign-in", { ...options, body: params, auth: "none" }));
  }

  /**
   * Trades a refresh token for a new session (the old refresh token stops working). Without
   * `params`, uses the refresh token this client kept, or else the browser's `gk_refresh` cookie.
   */
  async refresh(params?: RefreshParams, options?: RequestOptions): Promise<Session> {
    const refreshToken = this._transport.session.refreshToken;
    const body = params ?? (refreshToken ? { refreshToken } : {});
    return this.#keep(await this._transport.request<Session>("POST", "/v1/auth/refresh", { ...options, body, auth: "none" }));
  }

  /**
   * Ends the session: revokes the refresh token this client kept (or the browser's cookie) and
   * every token rotated from the same sign-in, and clears the cookies.
   */
  async signOut(options?: RequestOptions): Promise<void> {
    const refreshToken = this._transport.session.refreshToken;
    // Needs only the refresh token: an expired access token must not stand in the way.
    await this._transport.request<undefined>("POST", "/v1/auth/sign-out", {
      ...options,
      body: refreshToken ? { refreshToken } : {},
      auth: "none",
    });
    this._transport.adopt(null);
  }

  /** Emails a single-use link to choose a new password, if an account uses `email` (the answer is the same either way). */
  requestPasswordReset(params: PasswordResetRequestParams, options?: RequestOptions): Promise<{ message: string }> {
    return this._transport.request("POST", "/v1/auth/password-reset", { ...options, body: params, auth: "none" });
  }

  /** Sets a new password with the emailed link's token; every session of the account is signed out. */
  async confirmPasswordReset(params: PasswordResetConfirmParams, options?: RequestOptions): Promise<void> {
    await this._transport.request<undefined>("POST", "/v1/auth/password-reset/confirm", { ...options, body: params, auth: "none" });
    this._transport.adopt(null);
  }

  /** Whether organizers can sign in with the deployment's OpenID Connect provider, its name, and where a browser starts. */
  sso(options?: RequestOptions): Promise<SsoConfig> {
    return this._transport.request<SsoConfig>("GET", "/v1/auth/sso", { ...options, auth: "none" });
  }

  /** The signed-in user, their organization and role. */
  me(options?: RequestOptions): Promise<Me> {
    return this._transport.request<Me>("GET", "/v1/auth/me", options);
  }

  #keep(session: Session): Session {
    this._transport.adopt(session);
    return session;
  }
}
