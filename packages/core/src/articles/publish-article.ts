import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { parseInput } from "../validation";
import {
  ArticleByIdInput,
  PublishArticleInput,
  type Article,
  type ArticleActor,
  type ArticleStatus,
} from "./schemas";
import {
  addRevision,
  announce,
  authorName,
  indexArticle,
  indexStatus,
  lockArticle,
  staleVersion,
  toArticle,
  unindexArticle,
  type ArticleEventAction,
} from "./store";

type Deps = Pick<CoreDeps, "db" | "pubsub" | "clock" | "log">;

/**
 * Publishes the working copy: a `publish` revision of it becomes what readers see (pending
 * changes included), and the article is published from then on. With `baseVersion`, refuses
 * (CONFLICT) when the article changed since, so nobody publishes what they have not seen.
 */
export async function publishArticle(
  deps: Deps,
  params: { actor: ArticleActor; input: PublishArticleInput },
): Promise<Article> {
  const input = parseInput(PublishArticleInput, params.input, "The request is not valid");
  const { actor } = params;
  const row = await deps.db.transaction(async (tx) => {
    const current = await lockArticle(tx, input.id, actor);
    if (input.baseVersion !== undefined && input.baseVersion !== current.version) {
      throw await staleVersion(
        tx,
        current,
        actor,
        input.baseVersion,
        "look at it again before publishing",
      );
    }
    const now = deps.clock.now();
    const version = current.version + 1;
    const staged = {
      ...current,
      status: "published" as const,
      version,
      isPublic: input.isPublic ?? current.isPublic,
      publishedAt: current.publishedAt ?? now,
      updatedAt: now,
    };
    const revision = await addRevision(tx, {
      article: staged,
      authorId: actor.id,
      kind: "publish",
      changed: [],
    });
    const [updated] = await tx
      .update(schema.articles)
      .set({
        status: staged.status,
        version,
        isPublic: staged.isPublic,
        publishedAt: staged.publishedAt,
        publishedRevisionId: revision.id,
        publishedVersion: version,
        updatedAt: now,
      })
      .where(eq(schema.articles.id, current.id))
      .returning();
    if (!updated) throw new Error("article update returned no row");
    await indexStatus(tx, updated);
    await indexArticle(tx, updated, "published", updated);
    return updated;
  });
  await announce(deps, row, actor, "published");
  return toArticle(row, await authorName(deps.db, row.userId), actor);
}

async function changeStatus(
  deps: Deps,
  actor: ArticleActor,
  rawInput: ArticleByIdInput,
  status: Exclude<ArticleStatus, "published">,
  action: ArticleEventAction,
): Promise<Article> {
  const input = parseInput(ArticleByIdInput, rawInput, "The request is not valid");
  const { row, changed } = await deps.db.transaction(async (tx) => {
    const current = await lockArticle(tx, input.id, actor);
    if (current.status === status) return { row: current, changed: false };
    const [updated] = await tx
      .update(schema.articles)
      .set({ status, version: current.version + 1, updatedAt: deps.clock.now() })
      .where(eq(schema.articles.id, current.id))
      .returning();
    if (!updated) throw new Error("article update returned no row");
    // Readers lose it; its history (the published revision included) stays.
    await unindexArticle(tx, updated.id, "published");
    await indexStatus(tx, updated);
    return { row: updated, changed: true };
  });
  if (changed) await announce(deps, row, actor, action);
  return toArticle(row, await authorName(deps.db, row.userId), actor);
}

/** Takes a published article back to draft: readers no longer see it; nothing is lost. */
export function unpublishArticle(
  deps: Deps,
  params: { actor: ArticleActor; input: ArticleByIdInput },
): Promise<Article> {
  return changeStatus(deps, params.actor, params.input, "draft", "unpublished");
}

/** Puts an article away: readers no longer see it, its author still can (and can publish again). */
export function archiveArticle(
  deps: Deps,
  params: { actor: ArticleActor; input: ArticleByIdInput },
): Promise<Article> {
  return changeStatus(deps, params.actor, params.input, "archived", "archived");
}
