import { History, RotateCcw, Tag } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { toast } from "sonner";

import { Button } from "../../components/ui/button";
import { inputClass } from "../../components/ui/input";
import { Spinner } from "../../components/ui/spinner";
import { cx } from "../../lib/cx";
import { formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useNow } from "../../lib/use-now";
import type { Article, ArticleRevision, RevisionDiff } from "./types";

function DiffText({ parts, block }: { parts: RevisionDiff["body"]; block?: boolean }) {
  return (
    <div
      className={cx(
        "rounded-md border border-line bg-subtle p-2 text-xs",
        block ? "max-h-80 overflow-auto font-mono whitespace-pre-wrap" : "",
      )}
    >
      {parts.map((part, index) => (
        <span
          key={index}
          className={
            part.added
              ? "bg-success-soft text-success"
              : part.removed
                ? "bg-danger-soft text-danger line-through"
                : "text-fg-muted"
          }
        >
          {part.value}
        </span>
      ))}
    </div>
  );
}

/** What a revision changed compared with the working copy, and the way to bring it back. */
function RevisionDetail({
  article,
  revision,
  dirty,
  onRestored,
}: {
  article: Article;
  revision: ArticleRevision;
  dirty: boolean;
  onRestored: (article: Article) => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const diff = trpc.articles.revisions.diff.useQuery({ id: article.id, from: revision.number });
  const restore = trpc.articles.revisions.restore.useMutation({
    onSuccess: (restored) => {
      toast.success(t("articles.revisions.restored", { number: revision.number }));
      void utils.articles.revisions.list.invalidate({ id: article.id });
      onRestored(restored);
    },
  });
  const [name, setName] = useState(revision.name ?? "");
  const rename = trpc.articles.revisions.name.useMutation({
    onSuccess: () => void utils.articles.revisions.list.invalidate({ id: article.id }),
  });
  if (diff.isPending) return <Spinner className="mx-auto my-4 size-5" />;
  if (diff.isError) return <p className="text-sm text-danger">{diff.error.message}</p>;
  const d = diff.data;
  return (
    <div className="space-y-3 border-t border-line pt-3" data-testid="revision-detail">
      {d.changed.length === 0 ? (
        <p className="text-sm text-fg-muted">{t("articles.revisions.same")}</p>
      ) : (
        <>
          <p className="text-xs text-fg-subtle">{t("articles.revisions.comparedWithNow")}</p>
          {d.changed.includes("title") ? (
            <div>
              <p className="mb-1 text-xs font-medium">{t("articles.fields.title")}</p>
              <DiffText parts={d.title} />
            </div>
          ) : null}
          {d.changed.includes("body") ? (
            <div data-testid="revision-diff-body">
              <p className="mb-1 text-xs font-medium">{t("articles.fields.body")}</p>
              <DiffText parts={d.body} block />
            </div>
          ) : null}
          {d.changed.includes("tags") ? (
            <p className="text-xs">
              {d.tags.added.map((tag) => (
                <span key={`+${tag}`} className="mr-2 text-success">
                  +#{tag}
                </span>
              ))}
              {d.tags.removed.map((tag) => (
                <span key={`-${tag}`} className="mr-2 text-danger line-through">
                  #{tag}
                </span>
              ))}
            </p>
          ) : null}
        </>
      )}
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          loading={restore.isPending}
          disabled={dirty || d.changed.length === 0}
          title={dirty ? t("articles.revisions.saveFirst") : undefined}
          onClick={() =>
            restore.mutate({
              id: article.id,
              number: revision.number,
              baseVersion: article.version,
            })
          }
          data-testid="revision-restore"
        >
          <RotateCcw className="size-4" aria-hidden />
          {t("articles.revisions.restore")}
        </Button>
      </div>
      <form
        className="flex gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate({ id: article.id, number: revision.number, name });
        }}
      >
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={100}
          placeholder={t("articles.revisions.namePlaceholder")}
          className={cx(inputClass, "h-8 text-xs")}
          aria-label={t("articles.revisions.nameLabel")}
          data-testid="revision-name"
        />
        <Button size="sm" type="submit" loading={rename.isPending}>
          <Tag className="size-4" aria-hidden />
          {t("articles.revisions.name")}
        </Button>
      </form>
    </div>
  );
}

/** The article's history: every revision, what it changed, restore and names. */
export function RevisionsPanel({
  article,
  dirty,
  onRestored,
}: {
  article: Article;
  dirty: boolean;
  onRestored: (article: Article) => void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow(30_000);
  const revisions = trpc.articles.revisions.list.useQuery({ id: article.id });
  const [open, setOpen] = useState<number | null>(null);
  return (
    <aside className="rounded-xl border border-line bg-surface p-4" data-testid="revisions-panel">
      <h2 className="mb-3 flex items-center gap-2 text-sm font-semibold">
        <History className="size-4" aria-hidden />
        {t("articles.revisions.title")}
      </h2>
      {revisions.isPending ? <Spinner className="mx-auto size-5" /> : null}
      <ol className="space-y-2">
        {revisions.data?.items.map((revision) => (
          <li
            key={revision.number}
            className="rounded-lg border border-line p-2.5"
            data-testid="revision"
          >
            <button
              type="button"
              className="w-full text-left"
              onClick={() => setOpen(open === revision.number ? null : revision.number)}
              aria-expanded={open === revision.number}
            >
              <span className="flex items-center justify-between gap-2 text-sm">
                <span className="font-medium">
                  #{revision.number} · {t(`articles.revisions.kind.${revision.kind}`)}
                  {revision.restoredFrom ? ` #${revision.restoredFrom}` : ""}
                </span>
                {revision.isPublished ? (
                  <span className="text-xs text-success">{t("articles.revisions.live")}</span>
                ) : null}
              </span>
              {revision.name ? (
                <span className="mt-0.5 block text-xs font-medium text-accent">
                  {revision.name}
                </span>
              ) : null}
              <span className="mt-0.5 block text-xs text-fg-subtle">
                {revision.authorName ?? t("articles.revisions.someone")} ·{" "}
                {formatRelative(revision.updatedAt, i18n.language, now)}
                {revision.changed.length > 0 && revision.kind !== "create"
                  ? ` · ${revision.changed.map((field) => t(`articles.fields.${field}` as "articles.fields.title")).join(", ")}`
                  : ""}
              </span>
            </button>
            {open === revision.number ? (
              <RevisionDetail
                article={article}
                revision={revision}
                dirty={dirty}
                onRestored={onRestored}
              />
            ) : null}
          </li>
        ))}
      </ol>
    </aside>
  );
}
