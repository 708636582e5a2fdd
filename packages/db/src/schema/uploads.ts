import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

import { user } from "./auth";

/**
 * Images users uploaded, to use in their cards (`upload:<id>` in an image field). The bytes live
 * in blob storage under `uploads/<id>` and never change under an id; the same bytes uploaded
 * again by the same user are the same upload.
 */
export const uploads = pgTable(
  "uploads",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** The name the file had on the uploader's computer, cleaned; null when none was given. */
    fileName: text(),
    /** The type read from the bytes themselves: image/png, image/jpeg or image/webp. */
    mime: text({ enum: ["image/png", "image/jpeg", "image/webp"] }).notNull(),
    /** Size of the file. */
    bytes: integer().notNull(),
    /** Size in pixels, as displayed (after the EXIF orientation). */
    width: integer().notNull(),
    height: integer().notNull(),
    /** SHA-256 hex of the bytes. */
    sha256: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One upload per picture and user: uploading the same bytes again finds it.
    uniqueIndex("uploads_user_id_sha256_idx").on(t.userId, t.sha256),
    // A user's uploads, newest first, a page at a time.
    index("uploads_user_id_created_at_id_idx").on(
      t.userId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
  ],
);
