import { type DbOrTx, schema } from "@genflow/db";
import { and, count, desc, eq } from "drizzle-orm";

import type { ApiKeySummary } from "./schemas";

/** Owner-scoped queries over the `apikey` table. */

export async function listApiKeysOf(db: DbOrTx, userId: string): Promise<ApiKeySummary[]> {
  return db
    .select({
      id: schema.apikey.id,
      name: schema.apikey.name,
      start: schema.apikey.start,
      createdAt: schema.apikey.createdAt,
      lastUsedAt: schema.apikey.lastRequest,
      expiresAt: schema.apikey.expiresAt,
    })
    .from(schema.apikey)
    .where(eq(schema.apikey.referenceId, userId))
    .orderBy(desc(schema.apikey.createdAt), desc(schema.apikey.id));
}

export async function countApiKeysOf(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(schema.apikey)
    .where(eq(schema.apikey.referenceId, userId));
  return row?.n ?? 0;
}

/** Deletes one of the user's keys; returns its stored hash, or null when they own no such key. */
export async function deleteApiKeyOf(
  db: DbOrTx,
  userId: string,
  id: string,
): Promise<string | null> {
  const [row] = await db
    .delete(schema.apikey)
    .where(and(eq(schema.apikey.id, id), eq(schema.apikey.referenceId, userId)))
    .returning({ key: schema.apikey.key });
  return row?.key ?? null;
}
