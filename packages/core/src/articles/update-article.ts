import { schema } from "@genflow/db";
import { ARTICLE_FIELDS } from "@genflow/db/schema";
import { eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
import { parseInput } from "../validation";
import { UpdateArticleInput, type Article, type ArticleActor } from "./schemas";
import {
  addRevision,
  announce,
  authorName,
  checkCover,
  contentOf,
  indexArticle,
  isSlugTaken,
  latestRevision,
  lockArticle,
  sameValue,
  slugify,
  slugTaken,
  staleVersion,
  toArticle,
  uniqueSlug,
  type ArticleRow,
} from "./store";

export interface UpdateArticleResult {
  article: Article;
  /**
   * The update was based on an older version and was merged: someone else had changed other
   * fields meanwhile, and both changes are kept. The article holds the merged content.
   */
  merged: boolean;
}

/**
 * Changes an article's fields. Every update names the version it was based on:
 * - the current version: applied;
 * - an older one: the fields it changes are compared with the fields changed since. Where they
 *   differ (a title from one tab, the body from another) it is applied on top, both changes
 *   kept (`merged`); where a field changed on both sides to different values it is CONFLICT with
 *   the current copy. Never last-write-wins.
 * Autosaves of one editing session gather into one revision; saves always make one. The version
 * goes up with every change; an update that changes nothing leaves everything as it was.
 */
export async function updateArticle(
  deps: Pick<CoreDeps, "db" | "pubsub" | "clock" | "log">,
  params: { actor: ArticleActor; input: UpdateArticleInput },
): Promise<UpdateArticleResult> {
  const input = parseInput(UpdateArticleInput, params.input, "The changes are not valid");
  const { actor } = params;
  let outcome: { row: ArticleRow; merged: boolean; changed: boolean };
  try {
    outcome = await deps.db.transaction(async (tx) => {
      const row = await lockArticle(tx, input.id, actor);
      if (input.baseVersion > row.version) {
        throw new DomainError(
          "VALIDATION",
          `Version ${input.baseVersion} does not exist yet (the article is at ${row.version})`,
          { details: { fieldErrors: { baseVersion: ["Newer than the article"] } } },
        );
      }
      const changes = input.changes;
      await checkCover(tx, row.userId, changes.cover ?? undefined);
      const fields = ARTICLE_FIELDS.filter((field) => changes[field] !== undefined);
      const stale = input.baseVersion < row.version;
      if (stale) {
        const clashes = fields.filter(
          (field) =>
            (row.fieldVersions[field] ?? 0) > input.baseVersion &&
            !sameValue(field, changes[field], row[field]),
        );
        if (clashes.length > 0) {
          // The caller gets the current copy and the fields in conflict, to merge and send again
          // on the current version. Nothing is overwritten.
          throw await staleVersion(
            tx,
            row,
            actor,
            input.baseVersion,
            `${clashes.join(", ")} changed on both sides`,
            clashes,
          );
        }
      }
      const next = { ...changes };
      const slugFromTitle =
        row.slugFromTitle && (changes.slug === undefined || changes.slug === row.slug);
      // An unpublished article's slug follows its title until someone chooses one.
      if (
        slugFromTitle &&
        row.publishedAt === null &&
        changes.title !== undefined &&
        changes.title !== row.title
      ) {
        next.slug = await uniqueSlug(tx, slugify(changes.title), row.id);
      }
      const changed = ARTICLE_FIELDS.filter(
        (field) => next[field] !== undefined && !sameValue(field, next[field], row[field]),
      );
      if (changed.length === 0 && input.mode === "autosave") {
        return { row, merged: false, changed: false };
      }
      const version = row.version + 1;
      const fieldVersions = { ...row.fieldVersions };
      for (const field of changed) fieldVersions[field] = version;
      const [updated] = await tx
        .update(schema.articles)
        .set({
          ...contentOf({ ...row, ...next }),
          slugFromTitle,
          version,
          fieldVersions,
          updatedAt: deps.clock.now(),
        })
        .where(eq(schema.articles.id, row.id))
        .returning();
      if (!updated) throw new Error("article update returned no row");

      const previous = await latestRevision(tx, row.id);
      const gathers =
        input.mode === "autosave" &&
        input.sessionId !== undefined &&
        previous?.kind === "autosave" &&
        previous.sessionId === input.sessionId &&
        previous.authorId === actor.id;
      if (gathers) {
        await tx
          .update(schema.articleRevisions)
          .set({
            ...contentOf(updated),
            version,
            changed: [...new Set([...previous.changed, ...changed])],
            updatedAt: updated.updatedAt,
          })
          .where(eq(schema.articleRevisions.id, previous.id));
      } else {
        await addRevision(tx, {
          article: updated,
          authorId: actor.id,
          kind: input.mode,
          changed,
          sessionId: input.sessionId,
          previous,
        });
      }
      await indexArticle(tx, updated, "working", updated);
      return { row: updated, merged: stale, changed: true };
    });
  } catch (error) {
    if (isSlugTaken(error)) throw slugTaken(input.changes.slug ?? "");
    throw error;
  }
  if (outcome.changed) await announce(deps, outcome.row, actor, "updated");
  return {
    article: toArticle(outcome.row, await authorName(deps.db, outcome.row.userId), actor),
    merged: outcome.merged,
  };
}
