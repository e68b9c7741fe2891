import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./realtime.handlers.js";
import * as routes from "./realtime.routes.js";

export const realtime = createRouter().openapi(routes.createToken, handlers.createToken);
