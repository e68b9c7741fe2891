import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./health.handlers.js";
import * as routes from "./health.routes.js";

export const health = createRouter().openapi(routes.get, handlers.get);
