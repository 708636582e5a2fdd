export { createArticle } from "./create-article";
export { updateArticle, type UpdateArticleResult } from "./update-article";
export { publishArticle, unpublishArticle, archiveArticle } from "./publish-article";
export { deleteArticle, restoreArticle } from "./delete-article";
export { getArticle, getArticleBySlug } from "./get-article";
export { listArticles, type ArticlePage, type ArticleSummary } from "./list-articles";
export {
  diffRevisions,
  getRevision,
  listRevisions,
  nameRevision,
  restoreRevision,
  type DiffPart,
  type RevisionDiff,
  type RevisionPage,
} from "./revisions";
export { searchArticles, type ArticleSearchHit, type ArticleSearchPage } from "./search-articles";
export { articleTags, type ArticleTagCount } from "./article-tags";
export { markdownToText } from "./plain-text";
export type { TextPart } from "./snippets";
export * from "./schemas";
export { searchDocument } from "./store";
export { readArticleCover, type ArticleCoverDeps, type ArticleCoverFile } from "./read-cover";
