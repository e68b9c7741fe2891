import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./organization.handlers.js";
import * as routes from "./organization.routes.js";

export const organization = createRouter()
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.listMembers, handlers.listMembers)
  .openapi(routes.addMember, handlers.addMember)
  .openapi(routes.updateMember, handlers.updateMember)
  .openapi(routes.removeMember, handlers.removeMember);
