import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./plan-invites.handlers.js";
import * as routes from "./plan-invites.routes.js";

export const planInvites = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.revoke, handlers.revoke)
  .openapi(routes.preview, handlers.preview)
  .openapi(routes.join, handlers.join);
