import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./plan-chat.handlers.js";
import * as routes from "./plan-chat.routes.js";

export const planChat = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.create, handlers.create)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove);
