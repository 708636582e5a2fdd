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

import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

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
    .mutation(({ ctx, input }) => restoreRevision(ctx.services, { actor: ctx.user, input })),

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
  list: protectedProcedure
    .input(ListArticlesInput.prefault({}))
    .query(({ ctx, input }) => listArticles(ctx.services, { actor: ctx.user, input })),

  /** One article: its author gets the working copy, readers the published one. */
  byId: protectedProcedure
    .input(GetArticleInput)
    .query(({ ctx, input }) => getArticle(ctx.services, { actor: ctx.user, input })),

  /** A published article by its address; anyone may read it when it is public. */
  bySlug: publicProcedure.input(ArticleBySlugInput).query(async ({ ctx, input }) => {
    const principal = await ctx.principal();
    return getArticleBySlug(ctx.services, { actor: principal?.user ?? null, input });
  }),

  /** A new draft (and its first revision). */
  create: protectedProcedure
    .input(CreateArticleInput.prefault({}))
    .mutation(({ ctx, input }) => createArticle(ctx.services, { actor: ctx.user, input })),

  /** Changes fields, based on a version: merged or CONFLICT when that version is old. */
  update: protectedProcedure
    .input(UpdateArticleInput)
    .mutation(({ ctx, input }) => updateArticle(ctx.services, { actor: ctx.user, input })),

  /** Makes the working copy what readers see. */
  publish: protectedProcedure
    .input(PublishArticleInput)
    .mutation(({ ctx, input }) => publishArticle(ctx.services, { actor: ctx.user, input })),

  /** Back to draft: readers no longer see it. */
  unpublish: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(({ ctx, input }) => unpublishArticle(ctx.services, { actor: ctx.user, input })),

  /** Put away: readers no longer see it; its author still can. */
  archive: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(({ ctx, input }) => archiveArticle(ctx.services, { actor: ctx.user, input })),

  /** Deletes softly; `restore` brings it back with its history. */
  delete: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(({ ctx, input }) => deleteArticle(ctx.services, { actor: ctx.user, input })),

  restore: protectedProcedure
    .input(ArticleByIdInput)
    .mutation(({ ctx, input }) => restoreArticle(ctx.services, { actor: ctx.user, input })),

  revisions: revisionsRouter,

  /** Titles and bodies, best match first, with the matches marked (English and CJK). */
  search: protectedProcedure
    .input(SearchArticlesInput)
    .query(({ ctx, input }) => searchArticles(ctx.services, { actor: ctx.user, input })),

  /** The tags in use on the articles the caller can see, with counts. */
  tags: protectedProcedure.query(({ ctx }) => articleTags(ctx.services, { actor: ctx.user })),
});
