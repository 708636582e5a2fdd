export { ArticlesPage as default, ArticlesPage } from "./articles-page";
export { ArticleEditorPage } from "./article-editor-page";
export { ArticleReadPage } from "./article-read-page";
