import { ARTICLE_STATUSES, REVISION_KINDS } from "@genflow/db/schema";
import { z } from "zod";

/** Limits on what an article may hold. */
export const ARTICLE_LIMITS = {
  titleChars: 200,
  slugChars: 80,
  /** About 200 KB of Markdown: a long book chapter. */
  bodyChars: 200_000,
  excerptChars: 500,
  tags: 10,
  tagChars: 32,
  revisionNameChars: 100,
  queryChars: 200,
} as const;

export const ArticleStatus = z.enum(ARTICLE_STATUSES);
export type ArticleStatus = z.infer<typeof ArticleStatus>;
export const RevisionKind = z.enum(REVISION_KINDS);
export type RevisionKind = z.infer<typeof RevisionKind>;

/** Lower-case letters (any script), digits and single hyphens between them. */
const SLUG_PATTERN = /^[\p{Ll}\p{Lo}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{N}]+)*$/u;

export const ArticleSlug = z
  .string()
  .trim()
  .min(1, "The slug is empty")
  .max(ARTICLE_LIMITS.slugChars, `At most ${ARTICLE_LIMITS.slugChars} characters`)
  .regex(
    SLUG_PATTERN,
    "Use lower-case letters, digits and single hyphens between them (e.g. my-first-article)",
  );

/** A tag as written: letters, digits, spaces, hyphens and underscores; kept in lower case. */
export const ArticleTag = z
  .string()
  .trim()
  .min(1, "A tag is empty")
  .max(ARTICLE_LIMITS.tagChars, `A tag has at most ${ARTICLE_LIMITS.tagChars} characters`)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, "A tag holds letters, digits, spaces, - and _")
  .transform((tag) => tag.normalize("NFKC").toLowerCase().replace(/\s+/g, " "));

const Tags = z
  .array(ArticleTag)
  .max(ARTICLE_LIMITS.tags, `At most ${ARTICLE_LIMITS.tags} tags`)
  .transform((tags) => [...new Set(tags)]);

export const ArticleCover = z.object({ kind: z.enum(["upload", "card"]), id: z.uuid() }).nullable();
export type ArticleCover = z.infer<typeof ArticleCover>;

const Title = z
  .string()
  .trim()
  .max(ARTICLE_LIMITS.titleChars, `At most ${ARTICLE_LIMITS.titleChars} characters`);
const Body = z
  .string()
  .max(
    ARTICLE_LIMITS.bodyChars,
    `The body has at most ${ARTICLE_LIMITS.bodyChars.toLocaleString("en")} characters`,
  );
const Excerpt = z
  .string()
  .trim()
  .max(ARTICLE_LIMITS.excerptChars, `At most ${ARTICLE_LIMITS.excerptChars} characters`);

export const ArticleId = z.uuid("Not an article id");

/** What an article holds; a new one may leave everything out and start empty. */
export const CreateArticleInput = z.object({
  title: Title.default(""),
  /** Made from the title when left out (and made unique). */
  slug: ArticleSlug.optional(),
  body: Body.default(""),
  excerpt: Excerpt.default(""),
  tags: Tags.default([]),
  cover: ArticleCover.default(null),
});
export type CreateArticleInput = z.input<typeof CreateArticleInput>;

/** The fields an edit changes: only those present are changed. */
export const ArticleChanges = z
  .object({
    title: Title,
    slug: ArticleSlug,
    body: Body,
    excerpt: Excerpt,
    tags: Tags,
    cover: ArticleCover,
  })
  .partial()
  .strict();
export type ArticleChanges = z.output<typeof ArticleChanges>;

export const UpdateArticleInput = z.object({
  id: ArticleId,
  /** The version the editor's copy was based on (see CONFLICT). */
  baseVersion: z.number().int().min(1),
  changes: ArticleChanges,
  /**
   * `autosave` (while typing) gathers into one revision per editing session; `save` always
   * makes a revision of its own.
   */
  mode: z.enum(["autosave", "save"]).default("save"),
  /** The editor's session (one open editor); autosaves of one session share a revision. */
  sessionId: z.string().min(8).max(64).optional(),
});
export type UpdateArticleInput = z.input<typeof UpdateArticleInput>;

export const ArticleByIdInput = z.object({ id: ArticleId });
export type ArticleByIdInput = z.input<typeof ArticleByIdInput>;

/**
 * Which copy to read: `working` (what its author edits; authors and admins only) or `published`
 * (what readers see). By id, authors get the working copy unless they ask; by slug, everyone
 * gets the published one unless an author asks for a preview of the working copy.
 */
const View = z.enum(["working", "published"]).optional();

export const GetArticleInput = z.object({ id: ArticleId, view: View });
export type GetArticleInput = z.input<typeof GetArticleInput>;

export const ArticleBySlugInput = z.object({ slug: ArticleSlug, view: View });
export type ArticleBySlugInput = z.input<typeof ArticleBySlugInput>;

export const PublishArticleInput = z.object({
  id: ArticleId,
  /** When given, publishing refuses (CONFLICT) if the article changed since this version. */
  baseVersion: z.number().int().min(1).optional(),
  /** Readable by anyone with the link, signed in or not. Unchanged when left out. */
  isPublic: z.boolean().optional(),
});
export type PublishArticleInput = z.input<typeof PublishArticleInput>;

export const ListArticlesInput = z.object({
  /** `mine` (default): the caller's own; `published`: everything published that the caller may read. */
  scope: z.enum(["mine", "published", "all"]).default("mine"),
  status: ArticleStatus.optional(),
  tag: ArticleTag.optional(),
  authorId: z.string().min(1).max(64).optional(),
  /** The caller's deleted articles (restorable) instead. */
  deleted: z.boolean().default(false),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type ListArticlesInput = z.input<typeof ListArticlesInput>;

export const SearchArticlesInput = z.object({
  query: z
    .string()
    .trim()
    .min(1, "Type something to search for")
    .max(ARTICLE_LIMITS.queryChars, `At most ${ARTICLE_LIMITS.queryChars} characters`),
  status: ArticleStatus.optional(),
  tag: ArticleTag.optional(),
  authorId: z.string().min(1).max(64).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(50).default(10),
});
export type SearchArticlesInput = z.input<typeof SearchArticlesInput>;

export const RevisionRef = z.object({ id: ArticleId, number: z.number().int().min(1) });
export type RevisionRef = z.input<typeof RevisionRef>;

export const ListRevisionsInput = z.object({
  id: ArticleId,
  /** Revisions numbered below this one (the next page). */
  before: z.number().int().min(2).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
export type ListRevisionsInput = z.input<typeof ListRevisionsInput>;

export const DiffRevisionsInput = z.object({
  id: ArticleId,
  /** The older side. */
  from: z.number().int().min(1),
  /** The newer side; the working copy when left out. */
  to: z.number().int().min(1).optional(),
});
export type DiffRevisionsInput = z.input<typeof DiffRevisionsInput>;

export const RestoreRevisionInput = z.object({
  id: ArticleId,
  number: z.number().int().min(1),
  baseVersion: z.number().int().min(1),
});
export type RestoreRevisionInput = z.input<typeof RestoreRevisionInput>;

export const NameRevisionInput = z.object({
  id: ArticleId,
  number: z.number().int().min(1),
  /** Empty to take the name off. */
  name: z.string().trim().max(ARTICLE_LIMITS.revisionNameChars),
});
export type NameRevisionInput = z.input<typeof NameRevisionInput>;

/** The caller, as far as articles care: who, and whether an administrator. */
export interface ArticleActor {
  id: string;
  role: "admin" | "user";
}

/** An article as an author or reader sees it. */
export interface Article {
  id: string;
  authorId: string;
  authorName: string;
  slug: string;
  title: string;
  body: string;
  excerpt: string;
  tags: string[];
  cover: ArticleCover;
  status: ArticleStatus;
  isPublic: boolean;
  version: number;
  publishedAt: Date | null;
  /** The working copy differs from what readers see. */
  hasPendingChanges: boolean;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  /** What the caller may do with it. */
  canEdit: boolean;
  /** `working` for the copy its author edits; `published` for what readers see. */
  view: "working" | "published";
}

export interface ArticleRevision {
  number: number;
  version: number;
  kind: RevisionKind;
  authorId: string | null;
  authorName: string | null;
  name: string | null;
  restoredFrom: number | null;
  changed: string[];
  title: string;
  slug: string;
  excerpt: string;
  tags: string[];
  cover: ArticleCover;
  createdAt: Date;
  updatedAt: Date;
  /** The revision readers currently see. */
  isPublished: boolean;
}

export interface ArticleRevisionWithBody extends ArticleRevision {
  body: string;
}
