import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./secret-keys.handlers.js";
import * as routes from "./secret-keys.routes.js";

export const secretKeys = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.create, handlers.create)
  .openapi(routes.get, handlers.get)
  .openapi(routes.revoke, handlers.revoke);
