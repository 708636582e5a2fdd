import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

import { user } from "./auth";

/**
 * Each user's ordered event log. Live subscribers receive events through pub/sub; a reconnecting
 * subscriber replays from here by id, so nothing is lost or duplicated.
 */
export const userEvents = pgTable(
  "user_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("user_events_user_id_id_idx").on(t.userId, t.id)],
);
