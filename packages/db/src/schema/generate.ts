import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

import { user } from "./auth";

/**
 * Each user's rendered share cards (their history). A card's image lives in blob storage under
 * `key`, the content address of everything that shaped it; identical cards of different requests
 * or users share one key and one set of bytes.
 */
export const cards = pgTable(
  "cards",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** SHA-256 hex content address of the rendered bytes. */
    key: text().notNull(),
    templateId: text().notNull(),
    templateVersion: integer().notNull(),
    /** Field values as the template parsed them; images as `sha256:<hex>` of their bytes. */
    fields: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The size as requested: `{ preset }` or `{ width, height }`. */
    size: jsonb().$type<{ preset: string } | { width: number; height: number }>().notNull(),
    theme: jsonb().$type<Record<string, unknown>>().notNull(),
    format: text({ enum: ["png", "webp", "jpeg", "avif", "svg"] }).notNull(),
    scale: doublePrecision().notNull(),
    quality: integer().notNull(),
    visibility: text({ enum: ["public", "private"] })
      .notNull()
      .default("private"),
    /** Output size in pixels. */
    width: integer().notNull(),
    height: integer().notNull(),
    /** Size of the rendered file. */
    bytes: integer().notNull(),
    warnings: jsonb()
      .$type<{ code: string; field: string; message: string; characters?: string[] }[]>()
      .notNull()
      .default([]),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // History pages: a user's cards, newest first.
    index("cards_user_id_created_at_id_idx").on(
      t.userId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // Serving an image and checking whether any card still uses a key's bytes.
    index("cards_key_idx").on(t.key),
  ],
);
