import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

import { user } from "./auth";

export const ARTICLE_STATUSES = ["draft", "published", "archived"] as const;
export type ArticleStatusValue = (typeof ARTICLE_STATUSES)[number];

/** The fields of an article that edits change and revisions keep. */
export const ARTICLE_FIELDS = ["title", "slug", "body", "excerpt", "tags", "cover"] as const;
export type ArticleField = (typeof ARTICLE_FIELDS)[number];

/** An article's cover: an uploaded image or a generated card, by id. */
export interface ArticleCoverRecord {
  kind: "upload" | "card";
  id: string;
}

export const REVISION_KINDS = ["create", "autosave", "save", "publish", "restore"] as const;
export type RevisionKindValue = (typeof REVISION_KINDS)[number];

/** Postgres' text-search document type (made by the database from text core prepares). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Articles: the working copy of each (what its author edits) and where it stands. Readers of a
 * published article see the revision it was published as (`publishedRevisionId`), so an author
 * can keep editing without readers seeing half-done changes until the next publish.
 */
export const articles = pgTable(
  "articles",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** Unique across articles (deleted ones included, so a restore never clashes). */
    slug: text().notNull(),
    /**
     * The slug was made from the title, not chosen: it follows the title until it is chosen or
     * the article is first published (after that, links to it must keep working).
     */
    slugFromTitle: boolean().notNull().default(true),
    title: text().notNull(),
    /** Markdown. */
    body: text().notNull(),
    /** The author's summary; empty when none was written (readers then see the body's start). */
    excerpt: text().notNull().default(""),
    tags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    cover: jsonb().$type<ArticleCoverRecord | null>(),
    status: text({ enum: ARTICLE_STATUSES }).notNull().default("draft"),
    /** Readable by anyone (signed in or not) by its slug while published. */
    isPublic: boolean().notNull().default(false),
    /** Goes up by one with every change; an update names the version it was based on. */
    version: integer().notNull().default(1),
    /** The version at which each field last changed: what lets two edits of different fields merge. */
    fieldVersions: jsonb().$type<Partial<Record<ArticleField, number>>>().notNull().default({}),
    /** The revision readers see while the article is published. */
    publishedRevisionId: text(),
    /** The version that was published last; a later version means changes are pending. */
    publishedVersion: integer(),
    /** When it was first published. */
    publishedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Set when it is deleted; a deleted article can be restored. */
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("articles_slug_key").on(t.slug),
    // "slug-2", "slug-3"…: the numbered addresses of one title, found by prefix.
    index("articles_slug_prefix_idx").on(t.slug.op("text_pattern_ops")),
    // An author's articles, most recently changed first.
    index("articles_user_id_updated_at_id_idx").on(
      t.userId,
      t.updatedAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // What everyone can read, most recently changed first.
    index("articles_published_updated_at_id_idx")
      .on(t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.status} = 'published' and ${t.deletedAt} is null`),
    index("articles_tags_idx").using("gin", t.tags),
  ],
);

/**
 * Every saved state of an article, never deleted while the article exists: who made it, when,
 * what it changed, and the whole content. Autosaves of one editing session update one revision;
 * saves, publishes and restores always add one.
 */
export const articleRevisions = pgTable(
  "article_revisions",
  {
    /** A UUID. */
    id: text().primaryKey(),
    articleId: text()
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    /** 1, 2, 3… within the article. */
    number: integer().notNull(),
    /** The article's version this revision holds. */
    version: integer().notNull(),
    /** Who made it; null once that user is gone. */
    authorId: text().references(() => user.id, { onDelete: "set null" }),
    kind: text({ enum: REVISION_KINDS }).notNull(),
    /** The editing session whose autosaves it gathers. */
    sessionId: text(),
    /** A name given to keep this version apart ("Sent to legal"). */
    name: text(),
    /** For a restore: the number of the revision brought back. */
    restoredFrom: integer(),
    /** The fields that differ from the revision before. */
    changed: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    title: text().notNull(),
    slug: text().notNull(),
    body: text().notNull(),
    excerpt: text().notNull(),
    tags: text().array().notNull(),
    cover: jsonb().$type<ArticleCoverRecord | null>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Later than `createdAt` when autosaves were gathered into it. */
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("article_revisions_article_id_number_key").on(t.articleId, t.number)],
);

export const SEARCH_SCOPES = ["working", "published"] as const;

/**
 * What search reads: per article, its working copy (found by its author and admins) and, while
 * published, the published text (found by everyone else). `document` is weighted (title A, body
 * B) and holds English stems for Latin script and characters and character pairs for Chinese,
 * Japanese and Korean, which Postgres' own parser leaves out (see core's articles search).
 */
export const articleSearch = pgTable(
  "article_search",
  {
    articleId: text()
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    scope: text({ enum: SEARCH_SCOPES }).notNull(),
    /** The article's author, status and tags, copied here to filter without a join. */
    userId: text().notNull(),
    status: text({ enum: ARTICLE_STATUSES }).notNull(),
    tags: text().array().notNull(),
    title: text().notNull(),
    /** The body as plain text (Markdown taken out), for snippets. */
    content: text().notNull(),
    document: tsvector().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.scope] }),
    // One index per scope: search asks one scope at a time (another author's published text,
    // one's own working copies), and each such query then reads only its own index.
    index("article_search_published_document_idx")
      .using("gin", t.document)
      .where(sql`${t.scope} = 'published'`),
    index("article_search_working_document_idx")
      .using("gin", t.document)
      .where(sql`${t.scope} = 'working'`),
    index("article_search_user_id_idx").on(t.userId),
    // The newest articles, where a very broad search looks for its matches.
    index("article_search_updated_at_idx").on(t.updatedAt),
    index("article_search_tags_idx").using("gin", t.tags),
  ],
);
