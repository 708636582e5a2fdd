import { schema, type DbOrTx } from "@genflow/db";
import { eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { parseInput } from "../validation";
import { ArticleBySlugInput, GetArticleInput, type Article, type ArticleActor } from "./schemas";
import {
  authorName,
  canEdit,
  notFound,
  publishedContent,
  toArticle,
  type ArticleRow,
} from "./store";

/**
 * The copy of `row` the actor may read: its author and admins the working copy (or, asked, the
 * published one); everyone else the published copy of a published article, and anonymous
 * readers only when it is public. NOT_FOUND for anything else, saying no more.
 */
async function readable(
  db: DbOrTx,
  row: ArticleRow | undefined,
  actor: ArticleActor | null,
  view: "working" | "published",
): Promise<Article> {
  if (!row) throw notFound();
  const editor = actor !== null && canEdit(row, actor);
  if (row.deletedAt !== null && !editor) throw notFound();
  if (editor && view === "working") return toArticle(row, await authorName(db, row.userId), actor);
  const readers = row.status === "published" && row.deletedAt === null;
  if (!readers || (actor === null && !row.isPublic)) throw notFound();
  const published = await publishedContent(db, row);
  if (!published) throw notFound();
  return toArticle(row, await authorName(db, row.userId), actor, published);
}

/** One article by id (see `readable`). */
export async function getArticle(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor; input: GetArticleInput },
): Promise<Article> {
  const input = parseInput(GetArticleInput, params.input, "The request is not valid");
  const [row] = await deps.db
    .select()
    .from(schema.articles)
    .where(eq(schema.articles.id, input.id));
  const editor = row !== undefined && canEdit(row, params.actor);
  return readable(deps.db, row, params.actor, input.view ?? (editor ? "working" : "published"));
}

/** One article by its address: the published copy (a preview of the working copy for its author). */
export async function getArticleBySlug(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor | null; input: ArticleBySlugInput },
): Promise<Article> {
  const input = parseInput(ArticleBySlugInput, params.input, "The request is not valid");
  const [row] = await deps.db
    .select()
    .from(schema.articles)
    .where(eq(schema.articles.slug, input.slug));
  return readable(deps.db, row, params.actor, input.view ?? "published");
}
