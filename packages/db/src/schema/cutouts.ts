import { index, integer, jsonb, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

import { user } from "./auth";

/** One image made from a cut-out: the mask or the subject on a background. */
export interface CutoutOutputRecord {
  /** The file's name under the cut-out, e.g. `3f2a…9c.png`: a hash of the options that made it. */
  name: string;
  contentType: "image/png" | "image/webp";
  width: number;
  height: number;
  bytes: number;
  /** The output options, as given (parsed), for showing and making again. */
  options: Record<string, unknown>;
  createdAt: string;
}

/**
 * Photos whose background a user removed. The photo (`cutouts/<id>/source`) and its mask
 * (`cutouts/<id>/mask.png`) live in blob storage, so more images can be made from them
 * (`outputs`, each under `cutouts/<id>/<name>`) without running the model again.
 */
export const cutouts = pgTable(
  "cutouts",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The photo's file name as the user had it, cleaned; null when none was given. */
    fileName: text(),
    /** The upload the photo came from, when it came from one. */
    uploadId: text(),
    /** The photo's type as read from its bytes, e.g. image/jpeg. */
    sourceMime: text().notNull(),
    sourceBytes: integer().notNull(),
    /** Size in pixels, upright. */
    width: integer().notNull(),
    height: integer().notNull(),
    /** The model that made the mask, and its tier. */
    model: text().notNull(),
    tier: text({ enum: ["fast", "quality"] }).notNull(),
    /** The mask options used (threshold, feather, …). */
    maskOptions: jsonb().$type<Record<string, unknown>>().notNull(),
    inferMs: real().notNull(),
    outputs: jsonb().$type<CutoutOutputRecord[]>().notNull().default([]),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A user's cut-outs, newest first, a page at a time.
    index("cutouts_user_id_created_at_id_idx").on(
      t.userId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
  ],
);
