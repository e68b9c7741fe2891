import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./auth.handlers.js";
import * as routes from "./auth.routes.js";

export const auth = createRouter()
  .openapi(routes.signUp, handlers.signUp)
  .openapi(routes.signIn, handlers.signIn)
  .openapi(routes.refresh, handlers.refresh)
  .openapi(routes.signOut, handlers.signOut)
  .openapi(routes.me, handlers.me);
