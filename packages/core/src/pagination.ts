import { and, desc, eq, lt, or, type AnyColumn, type SQL } from "drizzle-orm";
import { z } from "zod";

import { DomainError } from "./errors";

/**
 * Keyset pagination over rows ordered newest first by `(createdAt, id)`. A cursor names the last
 * row of the previous page, so rows created meanwhile never shift a page; it is opaque to callers.
 */

export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** A cursor made of `values`, opaque to callers. */
export function encodeOpaqueCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** The values `encodeOpaqueCursor` made, read by `schema`; VALIDATION for anything else. */
export function decodeOpaqueCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new DomainError("VALIDATION", "The cursor is not valid; start again without one", {
      details: { fieldErrors: { cursor: ["Not a cursor from a previous page"] } },
    });
  }
  return result.data;
}

const Cursor = z.tuple([z.iso.datetime(), z.uuid()]);

export function encodeCursor(row: PageCursor): string {
  return encodeOpaqueCursor([row.createdAt.toISOString(), row.id]);
}

/** The row a cursor names; VALIDATION (on the `cursor` field) for anything not made here. */
export function decodeCursor(cursor: string): PageCursor {
  const [createdAt, id] = decodeOpaqueCursor(cursor, Cursor);
  return { createdAt: new Date(createdAt), id };
}

/** The columns a table is paged by: its creation time and its id. */
export interface PageColumns {
  createdAt: AnyColumn;
  id: AnyColumn;
}

/** Rows after `after` in newest-first order (undefined, i.e. no condition, for the first page). */
export function afterCursor(t: PageColumns, after: PageCursor | undefined): SQL | undefined {
  if (!after) return undefined;
  return or(
    lt(t.createdAt, after.createdAt),
    and(eq(t.createdAt, after.createdAt), lt(t.id, after.id)),
  );
}

/** Newest first, ties broken by id: the order `afterCursor` pages through. */
export const newestFirst = (t: PageColumns) => [desc(t.createdAt), desc(t.id)] as const;
