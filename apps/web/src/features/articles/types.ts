import type { AppRouter } from "@genflow/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type Article = Outputs["articles"]["byId"];
export type ArticleSummary = Outputs["articles"]["list"]["items"][number];
export type ArticleSearchHit = Outputs["articles"]["search"]["items"][number];
export type ArticleRevision = Outputs["articles"]["revisions"]["list"]["items"][number];
export type RevisionDiff = Outputs["articles"]["revisions"]["diff"];
export type ArticleStatus = Article["status"];
export type ListArticlesInput = Inputs["articles"]["list"];
export type TextPart = ArticleSearchHit["snippet"][number];

export const ARTICLE_STATUSES = [
  "draft",
  "published",
  "archived",
] as const satisfies readonly ArticleStatus[];
