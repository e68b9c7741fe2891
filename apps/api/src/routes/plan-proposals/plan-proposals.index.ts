import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./plan-proposals.handlers.js";
import * as routes from "./plan-proposals.routes.js";

export const planProposals = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.create, handlers.create)
  .openapi(routes.tallies, handlers.tallies)
  .openapi(routes.finalize, handlers.finalize)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.select, handlers.select)
  .openapi(routes.reject, handlers.reject)
  .openapi(routes.reopen, handlers.reopen)
  .openapi(routes.castVote, handlers.castVote)
  .openapi(routes.withdrawVote, handlers.withdrawVote)
  .openapi(routes.commit, handlers.commit)
  .openapi(routes.withdrawCommitment, handlers.withdrawCommitment);
