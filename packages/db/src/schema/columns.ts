import { integer } from "drizzle-orm/sqlite-core";

// Times are integer milliseconds since the epoch (UTC); the API turns them into ISO 8601.
export const createdAt = () => integer("created_at").notNull();
