/**
 * Image uploads through signed URLs: `/v1/uploads` (start, read, complete), the embedded
 * default's local store (`/_files/…`, signed and expiring), and `requireUploaded` for a domain
 * that attaches a file to one of its objects.
 */
import { createRouter } from "../../lib/create-app.js";
import * as handlers from "./uploads.handlers.js";
import * as routes from "./uploads.routes.js";

export { requireUploaded, withImages } from "./uploads.service.js";

export function uploadsRouter() {
  return createRouter()
    .openapi(routes.create, handlers.create)
    .openapi(routes.get, handlers.get)
    .openapi(routes.complete, handlers.complete)
    .openapi(routes.file, handlers.file)
    .put("/_files/*", handlers.localPut)
    .get("/_files/*", handlers.localGet);
}
