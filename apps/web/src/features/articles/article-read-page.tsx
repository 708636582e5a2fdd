import { ArrowLeft, PenLine } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";

import { Brand } from "../../components/brand";
import { FullPageError, FullPageLoader } from "../../components/full-page-status";
import { buttonClass } from "../../components/ui/button";
import { readApiFailure } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { failureMessage } from "../errors/notify-error";
import { sameOriginPath } from "../studio/same-origin";
import { useSession } from "../session/use-session";
import { MarkdownView } from "./markdown-view";

/**
 * The read view at /read/:slug: the published text (a preview of the working copy for its author
 * with ?preview=1), for signed-in readers and, when the author made it public, for anyone.
 */
export function ArticleReadPage() {
  const { t, i18n } = useTranslation();
  const { slug = "" } = useParams();
  const [params] = useSearchParams();
  const preview = params.get("preview") === "1";
  const session = useSession();
  const article = trpc.articles.bySlug.useQuery(
    { slug, ...(preview ? { view: "working" as const } : {}) },
    { retry: false, meta: { errorToast: false } },
  );
  if (article.isPending) return <FullPageLoader />;
  if (article.isError) {
    const failure = readApiFailure(article.error);
    return (
      <FullPageError
        message={
          failure.code === "NOT_FOUND" ? t("articles.read.notFound") : failureMessage(failure)
        }
        onRetry={() => void article.refetch()}
      />
    );
  }
  const a = article.data;
  return (
    <div className="min-h-full bg-canvas">
      <title>{`${a.title || t("articles.untitled")} · ${t("app.name")}`}</title>
      <header className="border-b border-line bg-surface">
        <div className="mx-auto flex max-w-3xl items-center justify-between gap-3 px-6 py-3">
          <div className="flex items-center gap-3">
            <Brand />
            {session.data ? (
              <Link
                to="/articles?scope=published"
                className={buttonClass({ variant: "ghost", size: "sm" })}
              >
                <ArrowLeft className="size-4" aria-hidden />
                {t("articles.title")}
              </Link>
            ) : null}
          </div>
          {a.canEdit ? (
            <Link
              to={`/articles/${a.id}`}
              className={buttonClass({ size: "sm" })}
              data-testid="read-edit"
            >
              <PenLine className="size-4" aria-hidden />
              {t("articles.read.edit")}
            </Link>
          ) : null}
        </div>
      </header>
      <article className="mx-auto max-w-3xl px-6 py-10" data-testid="article-reader">
        {a.view === "working" ? (
          <p className="mb-4 rounded-md bg-warning-soft px-3 py-1.5 text-xs text-fg">
            {t("articles.read.preview")}
          </p>
        ) : null}
        {a.coverUrl ? (
          <img
            src={sameOriginPath(a.coverUrl)}
            alt=""
            className="mb-8 aspect-[1200/630] w-full rounded-xl border border-line object-cover"
            data-testid="article-cover-image"
          />
        ) : null}
        <h1 className="text-3xl font-semibold tracking-tight text-fg">
          {a.title || t("articles.untitled")}
        </h1>
        <p className="mt-2 text-sm text-fg-subtle">
          {a.authorName}
          {a.publishedAt ? ` · ${formatDate(a.publishedAt, i18n.language)}` : ""}
          {a.tags.map((tag) => ` · #${tag}`).join("")}
        </p>
        {a.excerpt ? <p className="mt-6 text-lg text-fg-muted">{a.excerpt}</p> : null}
        <MarkdownView source={a.body} className="mt-8" />
      </article>
    </div>
  );
}
