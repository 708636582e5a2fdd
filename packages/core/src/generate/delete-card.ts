import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import { notFound } from "../errors";
import { lockCardKey, removeCardBlobs } from "./cache-key";
import type { GenerateDeps } from "./ports";
import { CARD_FILE_EXT, DeleteCardInput, parseInput } from "./schemas";

export interface DeleteCardParams {
  userId: string;
  id: string;
}

/**
 * Deletes one of the user's cards. Another user's card (or a missing one) is NOT_FOUND alike. The
 * rendered bytes go too unless another card, of anyone, still uses the same key.
 */
export async function deleteCard(
  deps: Pick<GenerateDeps, "db" | "blobs" | "cache" | "recent">,
  params: DeleteCardParams,
): Promise<void> {
  const { id } = parseInput(DeleteCardInput, { id: params.id }, "The card id is not valid");
  const t = schema.cards;
  const deleted = await deps.db.transaction(async (tx) => {
    const [card] = await tx
      .select({ key: t.key, format: t.format })
      .from(t)
      .where(and(eq(t.id, id), eq(t.userId, params.userId)));
    if (!card) return undefined;
    await lockCardKey(tx, card.key);
    const removed = await tx
      .delete(t)
      .where(and(eq(t.id, id), eq(t.userId, params.userId)))
      .returning({ id: t.id });
    // Deleted meanwhile by a concurrent request.
    if (removed.length === 0) return undefined;
    const [other] = await tx.select({ id: t.id }).from(t).where(eq(t.key, card.key)).limit(1);
    if (!other) await removeCardBlobs(deps, card.key, CARD_FILE_EXT[card.format]);
    return card.key;
  });
  if (!deleted) throw notFound("Card");
  // Every process forgets it: its owner no longer has it, and the image may be gone.
  await deps.recent?.forget(deleted);
}
