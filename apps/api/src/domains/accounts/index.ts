/**
 * The accounts domain's whole public surface: its router (auth, organization, members, keys,
 * participant tokens), the access rule of the organization's `org:` room, and its messages.
 */

import { ACCOUNTS_ERROR_CODES } from "@gatherkit/core";
import { requireOrganizer } from "../../lib/auth.js";
import { createRouter } from "../../lib/create-app.js";
import type { DomainModule } from "../../lib/domain.js";
import { notFound } from "../../lib/errors.js";
import * as authHandlers from "./auth/auth.handlers.js";
import * as auth from "./auth/auth.routes.js";
import * as invitationHandlers from "./invitations/invitations.handlers.js";
import * as invitations from "./invitations/invitations.routes.js";
import * as orgHandlers from "./organization/organization.handlers.js";
import * as organization from "./organization/organization.routes.js";
import * as overviewHandlers from "./overview/overview.handlers.js";
import * as overview from "./overview/overview.routes.js";
import * as tokenHandlers from "./participant-tokens/participant-tokens.handlers.js";
import * as participantTokens from "./participant-tokens/participant-tokens.routes.js";
import * as resetHandlers from "./password-reset/password-reset.handlers.js";
import * as passwordReset from "./password-reset/password-reset.routes.js";
import * as pkHandlers from "./publishable-keys/publishable-keys.handlers.js";
import * as publishableKeys from "./publishable-keys/publishable-keys.routes.js";
import * as requestLogHandlers from "./request-log/request-log.handlers.js";
import * as requestLog from "./request-log/request-log.routes.js";
import * as skHandlers from "./secret-keys/secret-keys.handlers.js";
import * as secretKeys from "./secret-keys/secret-keys.routes.js";
import * as ssoHandlers from "./sso/sso.handlers.js";
import * as sso from "./sso/sso.routes.js";

const router = createRouter()
  .openapi(auth.signUp, authHandlers.signUp)
  .openapi(auth.signIn, authHandlers.signIn)
  .openapi(auth.refresh, authHandlers.refresh)
  .openapi(auth.signOut, authHandlers.signOut)
  .openapi(auth.me, authHandlers.me)
  .openapi(passwordReset.request, resetHandlers.request)
  .openapi(passwordReset.confirm, resetHandlers.confirm)
  .openapi(requestLog.list, requestLogHandlers.list)
  .openapi(sso.config, ssoHandlers.config)
  .openapi(sso.start, ssoHandlers.start)
  .openapi(sso.callback, ssoHandlers.callback)
  .openapi(organization.get, orgHandlers.get)
  .openapi(organization.update, orgHandlers.update)
  .openapi(overview.get, overviewHandlers.get)
  .openapi(organization.listMembers, orgHandlers.listMembers)
  .openapi(organization.addMember, orgHandlers.addMember)
  .openapi(organization.updateMember, orgHandlers.updateMember)
  .openapi(organization.removeMember, orgHandlers.removeMember)
  .openapi(invitations.list, invitationHandlers.list)
  .openapi(invitations.revoke, invitationHandlers.revoke)
  .openapi(invitations.accept, invitationHandlers.accept)
  .openapi(secretKeys.list, skHandlers.list)
  .openapi(secretKeys.create, skHandlers.create)
  .openapi(secretKeys.get, skHandlers.get)
  .openapi(secretKeys.revoke, skHandlers.revoke)
  .openapi(publishableKeys.list, pkHandlers.list)
  .openapi(publishableKeys.create, pkHandlers.create)
  .openapi(publishableKeys.get, pkHandlers.get)
  .openapi(publishableKeys.update, pkHandlers.update)
  .openapi(publishableKeys.revoke, pkHandlers.revoke)
  .openapi(participantTokens.create, tokenHandlers.create);

export const accountsDomain = {
  name: "accounts",
  router,
  rooms: {
    // The organization's own feed: its staff only.
    org: async (_deps, caller, orgId) => {
      if (caller.orgId !== orgId) throw notFound("Room");
      requireOrganizer({ var: { caller } });
    },
  },
  errors: ACCOUNTS_ERROR_CODES,
  messages: [],
} satisfies DomainModule;

export { signUp } from "./auth/auth.service.js";
export { organizationTimeZone } from "./organization/organization.service.js";
export { createPublishableKey, organizationOrigins, updatePublishableKey } from "./publishable-keys/publishable-keys.service.js";
export { createSecretKey } from "./secret-keys/secret-keys.service.js";
