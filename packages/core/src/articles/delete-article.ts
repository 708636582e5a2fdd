import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { parseInput } from "../validation";
import { ArticleByIdInput, type Article, type ArticleActor } from "./schemas";
import {
  announce,
  authorName,
  indexArticle,
  lockArticle,
  publishedContent,
  toArticle,
  unindexArticle,
} from "./store";

type Deps = Pick<CoreDeps, "db" | "pubsub" | "clock" | "log">;

/**
 * Deletes an article softly: it disappears from lists, search and readers, and its author can
 * restore it with its whole history (`restoreArticle`).
 */
export async function deleteArticle(
  deps: Deps,
  params: { actor: ArticleActor; input: ArticleByIdInput },
): Promise<Article> {
  const input = parseInput(ArticleByIdInput, params.input, "The request is not valid");
  const { actor } = params;
  const row = await deps.db.transaction(async (tx) => {
    const current = await lockArticle(tx, input.id, actor);
    const now = deps.clock.now();
    const [updated] = await tx
      .update(schema.articles)
      .set({ deletedAt: now, version: current.version + 1, updatedAt: now })
      .where(eq(schema.articles.id, current.id))
      .returning();
    if (!updated) throw new Error("article update returned no row");
    await unindexArticle(tx, updated.id);
    return updated;
  });
  await announce(deps, row, actor, "deleted");
  return toArticle(row, await authorName(deps.db, row.userId), actor);
}

/** Brings a deleted article back as it was (published again if it was published). */
export async function restoreArticle(
  deps: Deps,
  params: { actor: ArticleActor; input: ArticleByIdInput },
): Promise<Article> {
  const input = parseInput(ArticleByIdInput, params.input, "The request is not valid");
  const { actor } = params;
  const row = await deps.db.transaction(async (tx) => {
    const current = await lockArticle(tx, input.id, actor, { deleted: true });
    const [updated] = await tx
      .update(schema.articles)
      .set({ deletedAt: null, version: current.version + 1, updatedAt: deps.clock.now() })
      .where(eq(schema.articles.id, current.id))
      .returning();
    if (!updated) throw new Error("article update returned no row");
    await indexArticle(tx, updated, "working", updated);
    if (updated.status === "published") {
      const published = await publishedContent(tx, updated);
      if (published) await indexArticle(tx, updated, "published", published);
    }
    return updated;
  });
  await announce(deps, row, actor, "restored");
  return toArticle(row, await authorName(deps.db, row.userId), actor);
}
