import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { afterCursor, decodeCursor, encodeCursor, newestFirst } from "../pagination";
import type { CardSize, CardTheme, CardWarning } from "./card";
import {
  CARD_FILE_EXT,
  CardHistoryInput,
  parseInput,
  type CardHistoryPage,
  type CardSummary,
} from "./schemas";

export interface CardHistoryParams extends CardHistoryInput {
  userId: string;
}

/**
 * The user's cards, newest first, a page at a time. The cursor is opaque to callers; it names the
 * last card of the previous page, so cards created meanwhile never shift a page.
 */
export async function cardHistory(
  deps: Pick<CoreDeps, "db">,
  params: CardHistoryParams,
): Promise<CardHistoryPage> {
  const { cursor, limit } = parseInput(
    CardHistoryInput,
    params,
    "The history request is not valid",
  );
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const t = schema.cards;
  const rows = await deps.db
    .select({
      id: t.id,
      key: t.key,
      templateId: t.templateId,
      templateVersion: t.templateVersion,
      fields: t.fields,
      size: t.size,
      theme: t.theme,
      scale: t.scale,
      quality: t.quality,
      format: t.format,
      width: t.width,
      height: t.height,
      bytes: t.bytes,
      visibility: t.visibility,
      warnings: t.warnings,
      createdAt: t.createdAt,
    })
    .from(t)
    .where(and(eq(t.userId, params.userId), afterCursor(t, after)))
    .orderBy(...newestFirst(t))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items: CardSummary[] = page.map((row) => ({
    ...row,
    // Written by createCard from validated input and the engine's warnings.
    size: row.size as CardSize,
    theme: row.theme as CardTheme,
    warnings: row.warnings as CardWarning[],
    image: `${row.key}.${CARD_FILE_EXT[row.format]}`,
    thumbnailKey: `${row.key}.thumb.webp`,
  }));
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
