import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./publishable-keys.handlers.js";
import * as routes from "./publishable-keys.routes.js";

export const publishableKeys = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.create, handlers.create)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.revoke, handlers.revoke);
