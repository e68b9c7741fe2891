import { ICS_CONTENT_TYPE } from "@gatherkit/core";
import type { AppRouteHandler } from "../../../lib/types.js";
import type { ExportRoute, ImportRoute, PreviewImportRoute } from "./ics.routes.js";
import * as service from "./ics.service.js";

export const exportIcs: AppRouteHandler<ExportRoute> = async (c) => {
  const { clientId, calendarId } = c.req.valid("param");
  const body = await service.exportCalendar(c.var.deps, c.var.caller, clientId, calendarId, c.req.valid("query"));
  return c.body(body, 200, {
    "content-type": ICS_CONTENT_TYPE,
    "content-disposition": 'attachment; filename="calendar.ics"',
    "cache-control": "private, no-store",
  });
};

export const importIcs: AppRouteHandler<ImportRoute> = async (c) => {
  const { clientId, calendarId } = c.req.valid("param");
  return c.json(await service.importCalendar(c.var.deps, c.var.caller, clientId, calendarId, c.req.valid("json")), 202);
};

export const previewImport: AppRouteHandler<PreviewImportRoute> = async (c) => {
  const { clientId, calendarId } = c.req.valid("param");
  return c.json(await service.previewImport(c.var.deps, c.var.caller, clientId, calendarId, c.req.valid("json")), 200);
};
