import { schema } from "@genflow/db";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { z } from "zod";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
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

/** Where a page ended: the last card's creation time and id (the order's tie-breaker). */
const Cursor = z.tuple([z.iso.datetime(), z.uuid()]);

function encodeCursor(card: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([card.createdAt.toISOString(), card.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const result = Cursor.safeParse(parsed);
  if (!result.success) {
    throw new DomainError("VALIDATION", "The cursor is not valid; start again without one", {
      details: { fieldErrors: { cursor: ["Not a cursor from a previous page"] } },
    });
  }
  const [createdAt, id] = result.data;
  return { createdAt: new Date(createdAt), id };
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
    .where(
      and(
        eq(t.userId, params.userId),
        after &&
          or(
            lt(t.createdAt, after.createdAt),
            and(eq(t.createdAt, after.createdAt), lt(t.id, after.id)),
          ),
      ),
    )
    .orderBy(desc(t.createdAt), desc(t.id))
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
