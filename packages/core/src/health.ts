import { z } from "./zod.js";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string(),
    runtime: z.enum(["node", "workers"]),
    time: z.iso.datetime(),
  })
  .openapi("Health");
export type Health = z.infer<typeof HealthSchema>;
