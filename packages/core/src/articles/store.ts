import { randomUUID } from "node:crypto";

import { schema, type DbOrTx } from "@genflow/db";
import type { ArticleField } from "@genflow/db/schema";
import { and, desc, eq, isNull, like, ne, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
import { publishUserEvent } from "../events";
import { markdownToText } from "./plain-text";
import type { Article, ArticleActor, ArticleCover, ArticleRevision, RevisionKind } from "./schemas";
import { cjkVector, splitScripts } from "./search-text";

const a = schema.articles;
const r = schema.articleRevisions;

export type ArticleRow = typeof schema.articles.$inferSelect;
export type RevisionRow = typeof schema.articleRevisions.$inferSelect;

/** The content fields of an article, as a revision keeps them. */
export interface ArticleContent {
  title: string;
  slug: string;
  body: string;
  excerpt: string;
  tags: string[];
  cover: ArticleCover;
}

export const contentOf = (row: ArticleContent): ArticleContent => ({
  title: row.title,
  slug: row.slug,
  body: row.body,
  excerpt: row.excerpt,
  tags: row.tags,
  cover: row.cover,
});

export const canEdit = (row: Pick<ArticleRow, "userId">, actor: ArticleActor): boolean =>
  row.userId === actor.id || actor.role === "admin";

export const notFound = () => new DomainError("NOT_FOUND", "Article not found");

/** Whether two values of one field are the same (tags and cover compared by content). */
export function sameValue(field: ArticleField, left: unknown, right: unknown): boolean {
  if (field === "tags" || field === "cover") return JSON.stringify(left) === JSON.stringify(right);
  return left === right;
}

export function toArticle(
  row: ArticleRow,
  authorName: string,
  actor: ArticleActor | null,
  published?: ArticleContent,
): Article {
  const content = published ?? contentOf(row);
  return {
    id: row.id,
    authorId: row.userId,
    authorName,
    ...content,
    status: row.status,
    isPublic: row.isPublic,
    version: row.version,
    publishedAt: row.publishedAt,
    hasPendingChanges:
      row.status === "published" && row.publishedVersion !== null
        ? row.version > row.publishedVersion
        : false,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
    canEdit: actor !== null && canEdit(row, actor),
    view: published ? "published" : "working",
  };
}

/**
 * CONFLICT for a change based on an older version than `row`'s: with the current copy, to look at
 * (and merge) before trying again, and the fields that clash, if any.
 */
export async function staleVersion(
  db: DbOrTx,
  row: ArticleRow,
  actor: ArticleActor,
  baseVersion: number,
  what: string,
  conflicts: readonly string[] = [],
): Promise<DomainError> {
  const current = toArticle(row, await authorName(db, row.userId), actor);
  return new DomainError(
    "CONFLICT",
    `The article changed since version ${baseVersion} (now ${row.version}): ${what}`,
    { details: { conflicts: [...conflicts], current } },
  );
}

export async function authorName(db: DbOrTx, userId: string): Promise<string> {
  const [row] = await db
    .select({ name: schema.user.name })
    .from(schema.user)
    .where(eq(schema.user.id, userId));
  return row?.name ?? "";
}

/**
 * The article an edit is about, locked for the transaction: NOT_FOUND when it does not exist, is
 * deleted (unless `deleted` is asked for), or the actor may not edit it (it does not say which).
 */
export async function lockArticle(
  tx: DbOrTx,
  id: string,
  actor: ArticleActor,
  { deleted = false } = {},
): Promise<ArticleRow> {
  const [row] = await tx.select().from(a).where(eq(a.id, id)).for("update");
  if (!row || !canEdit(row, actor) || (row.deletedAt !== null) !== deleted) throw notFound();
  return row;
}

/** A published article's readers' copy: its published revision's content. */
export async function publishedContent(
  db: DbOrTx,
  row: ArticleRow,
): Promise<ArticleContent | undefined> {
  if (!row.publishedRevisionId) return undefined;
  const [revision] = await db.select().from(r).where(eq(r.id, row.publishedRevisionId));
  return revision ? { ...contentOf(revision), slug: row.slug } : undefined;
}

/** A URL-safe slug made from a title: lower case, words joined by hyphens, any script kept. */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{Ll}\p{Lo}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

/**
 * `base`, or `base-2`, `base-3`… whichever no other article (but `exceptId`) has; for an untitled article,
 * `untitled-` and a random tail (there are many, and their addresses change with their titles).
 */
export async function uniqueSlug(db: DbOrTx, base: string, exceptId?: string): Promise<string> {
  if (!base) return `untitled-${randomUUID().slice(0, 8)}`;
  const others = exceptId ? ne(a.id, exceptId) : undefined;
  const [exact] = await db
    .select({ slug: a.slug })
    .from(a)
    .where(and(eq(a.slug, base), others));
  if (!exact) return base;
  const taken = await db
    .select({ slug: a.slug })
    .from(a)
    .where(and(like(a.slug, `${base.replace(/[\\%_]/g, "\\$&")}-%`), others));
  const used = new Set(taken.map((row) => row.slug));
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/**
 * VALIDATION unless `cover` is one of the author's own uploads or cards (an article shows its
 * author's pictures only).
 */
export async function checkCover(
  db: DbOrTx,
  authorId: string,
  cover: ArticleCover | undefined,
): Promise<void> {
  if (!cover) return;
  const table = cover.kind === "upload" ? schema.uploads : schema.cards;
  const [found] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.id, cover.id), eq(table.userId, authorId)));
  if (!found) {
    throw new DomainError("VALIDATION", "The cover must be one of the author's uploads or cards", {
      details: { fieldErrors: { cover: [`No ${cover.kind} of the author has this id`] } },
    });
  }
}

/** CONFLICT for a slug another article has (the database's unique index decides). */
export function isSlugTaken(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const record = current as {
      code?: unknown;
      constraint_name?: unknown;
      constraint?: unknown;
      cause?: unknown;
    };
    if (
      record.code === "23505" &&
      (record.constraint_name === "articles_slug_key" || record.constraint === "articles_slug_key")
    )
      return true;
    current = record.cause;
  }
  return false;
}

export const slugTaken = (slug: string) =>
  new DomainError("CONFLICT", `Another article already has the address ${slug}`, {
    details: { fieldErrors: { slug: ["Taken by another article"] } },
  });

export async function latestRevision(
  db: DbOrTx,
  articleId: string,
): Promise<RevisionRow | undefined> {
  const [row] = await db
    .select()
    .from(r)
    .where(eq(r.articleId, articleId))
    .orderBy(desc(r.number))
    .limit(1);
  return row;
}

/** Adds a revision holding the article's content as it is now. */
export async function addRevision(
  tx: DbOrTx,
  params: {
    article: ArticleRow;
    authorId: string;
    kind: RevisionKind;
    changed: readonly string[];
    sessionId?: string | undefined;
    restoredFrom?: number | undefined;
    previous?: RevisionRow | undefined;
  },
): Promise<RevisionRow> {
  const { article } = params;
  const previous = params.previous ?? (await latestRevision(tx, article.id));
  const [row] = await tx
    .insert(r)
    .values({
      id: randomUUID(),
      articleId: article.id,
      number: (previous?.number ?? 0) + 1,
      version: article.version,
      authorId: params.authorId,
      kind: params.kind,
      sessionId: params.sessionId ?? null,
      restoredFrom: params.restoredFrom ?? null,
      changed: [...params.changed],
      ...contentOf(article),
      createdAt: article.updatedAt,
      updatedAt: article.updatedAt,
    })
    .returning();
  if (!row) throw new Error("revision insert returned no row");
  return row;
}

export function toRevision(
  row: RevisionRow,
  authorNameOf: (id: string | null) => string | null,
  publishedRevisionId: string | null,
): ArticleRevision {
  return {
    number: row.number,
    version: row.version,
    kind: row.kind,
    authorId: row.authorId,
    authorName: authorNameOf(row.authorId),
    name: row.name,
    restoredFrom: row.restoredFrom,
    changed: row.changed,
    title: row.title,
    slug: row.slug,
    excerpt: row.excerpt,
    tags: row.tags,
    cover: row.cover,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    isPublished: row.id === publishedRevisionId,
  };
}

/** Latin-script text indexed per field; enough for any article the limits allow. */
const MAX_INDEXED_CHARS = 100_000;

/** The weighted search document of a title and a Markdown body (see `search-text.ts`). */
export function searchDocument(title: string, body: string) {
  const titleRuns = splitScripts(title);
  const text = markdownToText(body);
  const bodyRuns = splitScripts(text.slice(0, MAX_INDEXED_CHARS));
  const document = sql`setweight(to_tsvector('english', ${titleRuns.latin}) || ${cjkVector(titleRuns.cjk)}::tsvector, 'A') || setweight(to_tsvector('english', ${bodyRuns.latin}) || ${cjkVector(bodyRuns.cjk)}::tsvector, 'B')`;
  return { document, content: text };
}

/** Writes (or replaces) what search finds of an article in one scope. */
export async function indexArticle(
  tx: DbOrTx,
  article: ArticleRow,
  scope: "working" | "published",
  content: ArticleContent,
): Promise<void> {
  const s = schema.articleSearch;
  const { document, content: text } = searchDocument(content.title, content.body);
  const values = {
    userId: article.userId,
    status: article.status,
    tags: content.tags,
    title: content.title,
    content: text,
    document,
    updatedAt: article.updatedAt,
  };
  await tx
    .insert(s)
    .values({ articleId: article.id, scope, ...values })
    .onConflictDoUpdate({ target: [s.articleId, s.scope], set: values });
}

/** Keeps the copied status of an article's search rows in step. */
export async function indexStatus(tx: DbOrTx, article: ArticleRow): Promise<void> {
  const s = schema.articleSearch;
  await tx.update(s).set({ status: article.status }).where(eq(s.articleId, article.id));
}

export async function unindexArticle(
  tx: DbOrTx,
  articleId: string,
  scope?: "working" | "published",
): Promise<void> {
  const s = schema.articleSearch;
  await tx.delete(s).where(and(eq(s.articleId, articleId), scope ? eq(s.scope, scope) : undefined));
}

/** What an article change tells open lists and editors. */
export type ArticleEventAction =
  | "created"
  | "updated"
  | "published"
  | "unpublished"
  | "archived"
  | "deleted"
  | "restored"
  | "revision";

/**
 * Tells the article's author (every open tab) and, when someone else made the change, that
 * person too: `article.changed` with the article's id, title, new version, status, what
 * happened (`action`) and who did it (`by`).
 */
export async function announce(
  deps: Pick<CoreDeps, "db" | "pubsub" | "log">,
  article: Pick<ArticleRow, "id" | "userId" | "version" | "status" | "title">,
  actor: ArticleActor,
  action: ArticleEventAction,
): Promise<void> {
  const data = {
    id: article.id,
    title: article.title,
    version: article.version,
    status: article.status,
    action,
    by: actor.id,
  };
  const users = new Set([article.userId, actor.id]);
  for (const userId of users) {
    await publishUserEvent(deps, { userId, type: "article.changed", data });
  }
}

export const notDeleted = isNull(a.deletedAt);
