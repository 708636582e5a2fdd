import { schema, type DbOrTx } from "@genflow/db";
import {
  aliasedTable,
  and,
  arrayContains,
  eq,
  isNotNull,
  ne,
  or,
  sql,
  type SQL,
} from "drizzle-orm";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
import { afterCursor, decodeCursor, encodeCursor, newestFirst } from "../pagination";
import { parseInput } from "../validation";
import { clip, markdownToText } from "./plain-text";
import {
  ListArticlesInput,
  type ArticleActor,
  type ArticleCover,
  type ArticleStatus,
} from "./schemas";
import { canEdit, notDeleted } from "./store";

/** An article in a list: what a row shows, without the body. */
export interface ArticleSummary {
  id: string;
  slug: string;
  title: string;
  /** The author's excerpt, or the start of the body. */
  excerpt: string;
  tags: string[];
  cover: ArticleCover;
  status: ArticleStatus;
  isPublic: boolean;
  version: number;
  authorId: string;
  authorName: string;
  publishedAt: Date | null;
  hasPendingChanges: boolean;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  canEdit: boolean;
  view: "working" | "published";
}

export interface ArticlePage {
  items: ArticleSummary[];
  nextCursor: string | null;
}

const EXCERPT_CHARS = 240;

/**
 * The search rows the actor may see, as separate conditions (each served by its scope's index):
 * their own working copies and everyone else's published ones; every working copy for admins.
 */
export function searchScopesOf(actor: ArticleActor): SQL[] {
  const s = schema.articleSearch;
  if (actor.role === "admin") return [eq(s.scope, "working")];
  return [
    and(eq(s.scope, "published"), ne(s.userId, actor.id)) as SQL,
    and(eq(s.scope, "working"), eq(s.userId, actor.id)) as SQL,
  ];
}

/** Which search rows the actor may see: their own working copies, everyone else's published ones. */
export function visibleSearchRows(actor: ArticleActor): SQL {
  const s = schema.articleSearch;
  if (actor.role === "admin") return eq(s.scope, "working");
  return or(
    and(eq(s.scope, "working"), eq(s.userId, actor.id)),
    and(eq(s.scope, "published"), ne(s.userId, actor.id)),
  ) as SQL;
}

/** VALIDATION unless some article the actor can see carries `tag`. */
export async function checkTag(db: DbOrTx, actor: ArticleActor, tag: string): Promise<void> {
  const s = schema.articleSearch;
  const [found] = await db
    .select({ one: sql<number>`1` })
    .from(s)
    .where(and(visibleSearchRows(actor), arrayContains(s.tags, [tag])))
    .limit(1);
  if (!found) {
    throw new DomainError("VALIDATION", `No article has the tag "${tag}"`, {
      details: { fieldErrors: { tag: ["Unknown tag"] } },
    });
  }
}

/**
 * A page of articles, most recently changed first: the caller's own (`mine`, deleted ones with
 * `deleted`), everything published (`published`, as readers see it), or every article (`all`,
 * admins). Filters by status, tag and author.
 */
export async function listArticles(
  deps: Pick<CoreDeps, "db">,
  params: { actor: ArticleActor; input: ListArticlesInput },
): Promise<ArticlePage> {
  const input = parseInput(ListArticlesInput, params.input, "The list request is not valid");
  const { actor } = params;
  if (input.scope === "all" && actor.role !== "admin") {
    throw new DomainError("FORBIDDEN", "Only administrators list every article");
  }
  if (input.tag && !input.deleted) await checkTag(deps.db, actor, input.tag);
  const a = schema.articles;
  const published = aliasedTable(schema.articleRevisions, "published");
  const readersView = input.scope === "published";
  const tags = readersView ? published.tags : a.tags;
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const pageColumns = { createdAt: a.updatedAt, id: a.id };
  const rows = await deps.db
    .select({
      article: a,
      title: readersView ? published.title : a.title,
      excerpt: readersView ? published.excerpt : a.excerpt,
      bodyStart: readersView
        ? sql<string>`left(${published.body}, 2000)`
        : sql<string>`left(${a.body}, 2000)`,
      tags,
      cover: readersView ? published.cover : a.cover,
      authorName: schema.user.name,
    })
    .from(a)
    .innerJoin(schema.user, eq(schema.user.id, a.userId))
    .leftJoin(published, eq(published.id, a.publishedRevisionId))
    .where(
      and(
        input.scope === "mine" ? eq(a.userId, actor.id) : undefined,
        readersView ? and(eq(a.status, "published"), isNotNull(a.publishedRevisionId)) : undefined,
        input.deleted ? isNotNull(a.deletedAt) : notDeleted,
        input.status ? eq(a.status, input.status) : undefined,
        input.tag ? arrayContains(tags, [input.tag]) : undefined,
        input.authorId ? eq(a.userId, input.authorId) : undefined,
        afterCursor(pageColumns, after),
      ),
    )
    .orderBy(...newestFirst(pageColumns))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.article.id,
      slug: row.article.slug,
      title: row.title ?? row.article.title,
      excerpt: row.excerpt || clip(markdownToText(row.bodyStart), EXCERPT_CHARS),
      tags: row.tags ?? [],
      cover: row.cover ?? null,
      status: row.article.status,
      isPublic: row.article.isPublic,
      version: row.article.version,
      authorId: row.article.userId,
      authorName: row.authorName,
      publishedAt: row.article.publishedAt,
      hasPendingChanges:
        row.article.status === "published" && row.article.publishedVersion !== null
          ? row.article.version > row.article.publishedVersion
          : false,
      createdAt: row.article.createdAt,
      updatedAt: row.article.updatedAt,
      deletedAt: row.article.deletedAt,
      canEdit: canEdit(row.article, actor),
      view: readersView ? "published" : "working",
    })),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ createdAt: last.article.updatedAt, id: last.article.id })
        : null,
  };
}
