import {
  ArticleByIdInput,
  ArticleBySlugInput,
  archiveArticle,
  articleTags,
  createArticle,
  CreateArticleInput,
  deleteArticle,
  diffRevisions,
  DiffRevisionsInput,
  getArticle,
  getArticleBySlug,
  GetArticleInput,
  getRevision,
  listArticles,
  ListArticlesInput,
  listRevisions,
  ListRevisionsInput,
  nameRevision,
  NameRevisionInput,
  publishArticle,
  PublishArticleInput,
  restoreArticle,
  restoreRevision,
  RestoreRevisionInput,
  RevisionRef,
  searchArticles,
  SearchArticlesInput,
  unpublishArticle,
  updateArticle,
  UpdateArticleInput,
} from "@genflow/core/articles";

import type { Context } from "../context";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

/** Where an article's cover is served (to whoever may read that copy of the article). */
export function articleCoverUrl(
  ctx: Pick<Context, "services">,
  articleId: string,
  cover: { id: string } | null,
): string | null {
  return cover
    ? `${ctx.services.config.publicUrl}/api/articles/${articleId}/cover/${cover.id}`
    : null;
}

/** An article (or a row of a list) with the URL of its cover. */
function withCover<T extends { id: string; cover: { id: string } | null }>(
  ctx: Pick<Context, "services">,
  article: T,
): T & { coverUrl: string | null } {
  return { ...article, coverUrl: articleCoverUrl(ctx, article.id, article.cover) };
}

/** An article's history: every saved state, compared and brought back. */
const revisionsRouter = createTRPCRouter({
  /** The revisions, newest first (without bodies); `before` pages back. */
  list: protectedProcedure
    .input(ListRevisionsInput)
    .query(({ ctx, input }) => listRevisions(ctx.services, { actor: ctx.user, input })),

  /** One revision with its body. */
  byId: protectedProcedure
    .input(RevisionRef)
    .query(({ ctx, input }) => getRevision(ctx.services, { actor: ctx.user, input })),

  /** What changed between two revisions, or a revision and the working copy. */
  diff: protectedProcedure
    .input(DiffRevisionsInput)
    .query(({ ctx, input }) => diffRevisions(ctx.services, { actor: ctx.user, input })),

  /** A revision's content back as a new revision; never deletes history, never publishes. */
  restore: protectedProcedure
    .input(RestoreRevisionInput)
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await restoreRevision(ctx.services, { actor: ctx.user, input })),
    ),

  /** Names a revision (a named version); an empty name takes it off. */
  name: protectedProcedure
    .input(NameRevisionInput)
    .mutation(({ ctx, input }) => nameRevision(ctx.services, { actor: ctx.user, input })),
});

/**
 * Articles in Markdown: drafts, publishing with pending changes, a full history and search.
 * Every change names the version it was based on; a stale one is merged field by field or
 * answered with CONFLICT and the current copy, never overwriting. Changes are announced on the
 * user event stream as `article.changed`.
 */
export const articlesRouter = createTRPCRouter({
  /** The caller's articles, everything published, or (admins) every article; a page at a time. */
  list: protectedProcedure.input(ListArticlesInput.prefault({})).query(async ({ ctx, input }) => {
    const page = await listArticles(ctx.services, { actor: ctx.user, input });
    return { ...page, items: page.items.map((item) => withCover(ctx, item)) };
  }),

  /** One article: its author gets the working copy, readers the published one. */
  byId: protectedProcedure
    .input(GetArticleInput)
    .query(async ({ ctx, input }) =>
      withCover(ctx, await getArticle(ctx.services, { actor: ctx.user, input })),
    ),

  /** A published article by its address; anyone may read it when it is public. */
  bySlug: publicProcedure.input(ArticleBySlugInput).query(async ({ ctx, input }) => {
    const principal = await ctx.principal();
    return withCover(
      ctx,
      await getArticleBySlug(ctx.services, { actor: principal?.user ?? null, input }),
    );
  }),

  /** A new draft (and its first revision). */
  create: protectedProcedure
    .input(CreateArticleInput.prefault({}))
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await createArticle(ctx.services, { actor: ctx.user, input })),
    ),

  /** Changes fields, based on a version: merged or CONFLICT when that version is old. */
  update: protectedProcedure.input(UpdateArticleInput).mutation(async ({ ctx, input }) => {
    const result = await updateArticle(ctx.services, { actor: ctx.user, input });
    return { ...result, article: withCover(ctx, result.article) };
  }),

  /** Makes the working copy what readers see. */
  publish: protectedProcedure
    .input(PublishArticleInput)
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await publishArticle(ctx.services, { actor: ctx.user, input })),
    ),

  /** Back to draft: readers no longer see it. */
  unpublish: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await unpublishArticle(ctx.services, { actor: ctx.user, input })),
    ),

  /** Put away: readers no longer see it; its author still can. */
  archive: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await archiveArticle(ctx.services, { actor: ctx.user, input })),
    ),

  /** Deletes softly; `restore` brings it back with its history. */
  delete: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await deleteArticle(ctx.services, { actor: ctx.user, input })),
    ),

  restore: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(async ({ ctx, input }) =>
      withCover(ctx, await restoreArticle(ctx.services, { actor: ctx.user, input })),
    ),

  revisions: revisionsRouter,

  /** Titles and bodies, best match first, with the matches marked (English and CJK). */
  search: protectedProcedure
    .input(SearchArticlesInput)
    .query(({ ctx, input }) => searchArticles(ctx.services, { actor: ctx.user, input })),

  /** The tags in use on the articles the caller can see, with counts. */
  tags: protectedProcedure.query(({ ctx }) => articleTags(ctx.services, { actor: ctx.user })),
});
