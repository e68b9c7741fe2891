import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./plans.handlers.js";
import * as routes from "./plans.routes.js";

export const plansRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.me, handlers.me)
  .openapi(routes.update, handlers.update)
  .openapi(routes.complete, handlers.complete)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.calendar, handlers.calendar)
  .openapi(routes.rotateCalendar, handlers.rotateCalendar)
  .openapi(routes.listParticipants, handlers.listParticipants)
  .openapi(routes.addParticipant, handlers.addParticipant)
  .openapi(routes.updateParticipant, handlers.updateParticipant)
  .openapi(routes.removeParticipant, handlers.removeParticipant);
