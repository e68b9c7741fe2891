import { z } from "./zod.js";

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, example: 20, description: "Items per page, 1–100." }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "The `nextCursor` of the previous page." }),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A cursor-paginated list of `item`. `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable(),
    })
    .openapi(name);
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
