import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./participant-tokens.handlers.js";
import * as routes from "./participant-tokens.routes.js";

export const participantTokens = createRouter().openapi(routes.create, handlers.create);
