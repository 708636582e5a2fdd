import { randomUUID } from "node:crypto";

import { schema } from "@genflow/db";
import { ARTICLE_FIELDS } from "@genflow/db/schema";

import type { CoreDeps } from "../context";
import { parseInput } from "../validation";
import { CreateArticleInput, type Article, type ArticleActor } from "./schemas";
import {
  addRevision,
  announce,
  authorName,
  checkCover,
  indexArticle,
  isSlugTaken,
  slugify,
  slugTaken,
  toArticle,
  uniqueSlug,
} from "./store";

/**
 * A new draft owned by the actor, with its first revision. Without a slug one is made from the
 * title (`-2`, `-3`… when taken); a slug given that another article has is CONFLICT.
 */
export async function createArticle(
  deps: Pick<CoreDeps, "db" | "pubsub" | "clock" | "log">,
  params: { actor: ArticleActor; input: CreateArticleInput },
): Promise<Article> {
  const input = parseInput(CreateArticleInput, params.input, "The article is not valid");
  const { actor } = params;
  await checkCover(deps.db, actor.id, input.cover);
  const now = deps.clock.now();
  const attempt = () =>
    deps.db.transaction(async (tx) => {
      const slug = input.slug ?? (await uniqueSlug(tx, slugify(input.title)));
      const [created] = await tx
        .insert(schema.articles)
        .values({
          id: randomUUID(),
          userId: actor.id,
          slug,
          slugFromTitle: input.slug === undefined,
          title: input.title,
          body: input.body,
          excerpt: input.excerpt,
          tags: input.tags,
          cover: input.cover,
          version: 1,
          fieldVersions: Object.fromEntries(ARTICLE_FIELDS.map((field) => [field, 1])),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!created) throw new Error("article insert returned no row");
      await addRevision(tx, {
        article: created,
        authorId: actor.id,
        kind: "create",
        changed: [...ARTICLE_FIELDS],
      });
      await indexArticle(tx, created, "working", created);
      return created;
    });
  let row;
  for (let tries = 1; ; tries++) {
    try {
      row = await attempt();
      break;
    } catch (error) {
      if (!isSlugTaken(error)) throw error;
      // A slug made here can lose a race with another new article: make it again.
      if (input.slug !== undefined || tries >= 3)
        throw slugTaken(input.slug ?? slugify(input.title));
    }
  }
  await announce(deps, row, actor, "created");
  return toArticle(row, await authorName(deps.db, row.userId), actor);
}
