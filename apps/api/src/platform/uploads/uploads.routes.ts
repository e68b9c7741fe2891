import { CreatedUploadSchema, CreateUploadSchema, FileQuerySchema, UploadSchema } from "@gatherkit/core";
import { createRoute } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, pathIds, pickProblems, security } from "../../lib/openapi.js";

const tags = ["Uploads"];
const who = "Organization staff (signed in) or a secret key.";
const Params = pathIds({ id: "upload" });

export const create = createRoute({
  method: "post",
  path: "/v1/uploads",
  operationId: "uploads.create",
  tags,
  summary: "Start an image upload",
  description: `Declare the image's type and exact size; the answer holds a signed URL to \`PUT\` the bytes to (straight to storage, with the given headers) until \`expiresAt\`. Then call \`complete\`. ${who}`,
  security: security.organizer,
  request: { body: jsonBody(CreateUploadSchema) },
  responses: {
    201: jsonResponse(CreatedUploadSchema, "The pending upload and where to send the bytes."),
    ...pickProblems(400, 401, 403, 413, 415, 422, 503),
  },
});
export type CreateRoute = typeof create;

export const get = createRoute({
  method: "get",
  path: "/v1/uploads/{id}",
  operationId: "uploads.get",
  tags,
  summary: "Retrieve an upload",
  description: `With a signed, expiring \`url\` to read it once uploaded. ${who}`,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(UploadSchema, "The upload."),
    ...pickProblems(400, 401, 403, 404, 503),
  },
});
export type GetRoute = typeof get;

export const complete = createRoute({
  method: "post",
  path: "/v1/uploads/{id}/complete",
  operationId: "uploads.complete",
  tags,
  summary: "Complete an upload",
  description: `Checks what storage received: exactly the declared size, and bytes of the declared image type (by their magic numbers, not a name). Only a completed upload can be attached to a plan, proposal, event or place. ${who}`,
  security: security.organizer,
  request: { params: Params },
  responses: {
    200: jsonResponse(UploadSchema, "The upload, now `uploaded`."),
    ...pickProblems(400, 401, 403, 404, 409, 413, 422, 503),
  },
});
export type CompleteRoute = typeof complete;

export const file = createRoute({
  method: "get",
  path: "/v1/files/{id}",
  operationId: "files.get",
  tags,
  summary: "An attached image",
  description:
    "The lasting URL of an upload attached to an object (an event's or a place's image): redirects to a signed, expiring storage URL. With `?w=`, to its copy of that width (see the upload's `variants`; the original when there is none), for `srcset`. No credential, as an `<img>` sends none; a file that is pending, detached or unknown answers 404.",
  security: [],
  request: { params: Params, query: FileQuerySchema },
  responses: {
    302: { description: "To the file in storage (a signed URL)." },
    ...pickProblems(400, 401, 403, 404, 503),
  },
});
export type FileRoute = typeof file;
