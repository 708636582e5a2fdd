import { keepPreviousData } from "@tanstack/react-query";
import { FilePlus2, FileText, RotateCcw, Search, SearchX, Trash2 } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { toast } from "sonner";

import { PageHeader } from "../../components/page-header";
import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { inputClass } from "../../components/ui/input";
import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useDebouncedValue } from "../../lib/use-debounced-value";
import { useNow } from "../../lib/use-now";
import { Marked, PendingBadge, StatusBadge } from "./article-bits";
import {
  ARTICLE_STATUSES,
  type ArticleSearchHit,
  type ArticleStatus,
  type ArticleSummary,
} from "./types";

const PAGE_SIZE = 20;
type Scope = "mine" | "published" | "deleted";

function Chip({
  active,
  onClick,
  children,
  testId,
}: {
  active: boolean;
  onClick: () => void;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-pressed={active}
      data-testid={testId}
      className={cx(
        "h-8 rounded-full border px-3 text-[13px] font-medium transition-colors",
        active
          ? "border-accent bg-accent-soft text-accent"
          : "border-line bg-surface text-fg-muted hover:border-line-strong hover:text-fg",
      )}
    >
      {children}
    </button>
  );
}

function ListSkeleton() {
  return (
    <ul className="divide-y divide-line" aria-busy data-testid="articles-loading">
      {Array.from({ length: 3 }, (_, index) => (
        <li key={index} className="space-y-2 px-5 py-4">
          <Skeleton className="h-4 w-1/3" />
          <Skeleton className="h-3 w-2/3" />
        </li>
      ))}
    </ul>
  );
}

function linkOf(item: { id: string; slug: string; canEdit: boolean; view: string }): string {
  return item.canEdit && item.view === "working" ? `/articles/${item.id}` : `/read/${item.slug}`;
}

function SummaryRow({
  item,
  now,
  onRestore,
}: {
  item: ArticleSummary;
  now: number;
  onRestore?: (() => void) | undefined;
}) {
  const { t, i18n } = useTranslation();
  const title = item.title || t("articles.untitled");
  return (
    <li className="flex items-start gap-3 px-5 py-4" data-testid="article-row">
      <FileText className="mt-0.5 size-5 shrink-0 text-fg-subtle" aria-hidden />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          {onRestore ? (
            <span className="font-medium text-fg">{title}</span>
          ) : (
            <Link to={linkOf(item)} className="font-medium text-fg hover:text-accent">
              {title}
            </Link>
          )}
          <StatusBadge status={item.status} />
          {item.hasPendingChanges && item.view === "working" ? <PendingBadge /> : null}
        </div>
        {item.excerpt ? (
          <p className="mt-1 line-clamp-2 text-sm text-fg-muted">{item.excerpt}</p>
        ) : null}
        <p className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-fg-subtle">
          <span>{item.authorName}</span>
          <span>
            {t("articles.updated", {
              when: formatRelative(item.updatedAt, i18n.language, now),
            })}
          </span>
          {item.tags.map((tag) => (
            <span key={tag} className="text-fg-muted">
              #{tag}
            </span>
          ))}
        </p>
      </div>
      {onRestore ? (
        <Button size="sm" onClick={onRestore} data-testid="article-restore">
          <RotateCcw className="size-4" aria-hidden />
          {t("articles.restore")}
        </Button>
      ) : null}
    </li>
  );
}

function HitRow({ hit }: { hit: ArticleSearchHit }) {
  const { t } = useTranslation();
  return (
    <li className="px-5 py-4" data-testid="article-hit">
      <div className="flex flex-wrap items-center gap-2">
        <Link to={linkOf(hit)} className="font-medium text-fg hover:text-accent">
          {hit.titleParts.length > 0 ? <Marked parts={hit.titleParts} /> : t("articles.untitled")}
        </Link>
        <StatusBadge status={hit.status} />
      </div>
      {hit.snippet.length > 0 ? (
        <p className="mt-1 text-sm text-fg-muted" data-testid="article-snippet">
          <Marked parts={hit.snippet} />
        </p>
      ) : null}
      <p className="mt-1.5 flex flex-wrap gap-x-3 text-xs text-fg-subtle">
        <span>{hit.authorName}</span>
        {hit.tags.map((tag) => (
          <span key={tag}>#{tag}</span>
        ))}
      </p>
    </li>
  );
}

/**
 * Articles at /articles: the caller's own (drafts, published, archived, and the bin), everything
 * published, and search over all of it with the matches marked. Filters live in the link.
 */
export function ArticlesPage() {
  const { t } = useTranslation();
  const now = useNow(30_000);
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const [params, setParams] = useSearchParams();
  const scope = (params.get("scope") ?? "mine") as Scope;
  const statusParam = params.get("status");
  const status = ARTICLE_STATUSES.find((s) => s === statusParam);
  const tag = params.get("tag") ?? undefined;
  const [text, setText] = useState(params.get("q") ?? "");
  const query = useDebouncedValue(text.trim(), 250);

  const setParam = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value === undefined || value === "") next.delete(name);
    else next.set(name, value);
    setParams(next, { replace: true });
  };

  const tags = trpc.articles.tags.useQuery();
  const listInput = useMemo(
    () => ({
      scope: scope === "published" ? ("published" as const) : ("mine" as const),
      deleted: scope === "deleted",
      limit: PAGE_SIZE,
      ...(status && scope === "mine" ? { status } : {}),
      ...(tag ? { tag } : {}),
    }),
    [scope, status, tag],
  );
  const list = trpc.articles.list.useInfiniteQuery(listInput, {
    enabled: query === "",
    meta: { errorToast: false },
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const search = trpc.articles.search.useInfiniteQuery(
    { query, limit: 10, ...(status ? { status } : {}), ...(tag ? { tag } : {}) },
    {
      enabled: query !== "",
      meta: { errorToast: false },
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
    },
  );
  const create = trpc.articles.create.useMutation({
    onSuccess: (article) => {
      void utils.articles.list.invalidate();
      void navigate(`/articles/${article.id}`);
    },
  });
  const restore = trpc.articles.restore.useMutation({
    onSuccess: (article) => {
      toast.success(t("articles.restored", { title: article.title || t("articles.untitled") }));
      void utils.articles.invalidate();
    },
  });

  const searching = query !== "";
  const active = searching ? search : list;
  const items = searching
    ? (search.data?.pages.flatMap((page) => page.items) ?? [])
    : (list.data?.pages.flatMap((page) => page.items) ?? []);

  return (
    <div className="mx-auto max-w-4xl">
      <PageHeader
        title={t("articles.title")}
        description={t("articles.subtitle")}
        actions={
          <Button
            variant="primary"
            loading={create.isPending}
            onClick={() => create.mutate({})}
            data-testid="article-new"
          >
            <FilePlus2 className="size-4" aria-hidden />
            {t("articles.new")}
          </Button>
        }
      />
      <div className="mb-4 flex flex-col gap-3">
        <label className="relative block">
          <span className="sr-only">{t("articles.searchLabel")}</span>
          <Search
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle"
            aria-hidden
          />
          <input
            type="search"
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setParam("q", event.target.value.trim());
            }}
            placeholder={t("articles.searchPlaceholder")}
            className={cx(inputClass, "h-10 pl-9")}
            data-testid="article-search"
          />
        </label>
        <div
          className="flex flex-wrap items-center gap-2"
          role="group"
          aria-label={t("articles.filters")}
        >
          {(["mine", "published", "deleted"] as const).map((value) => (
            <Chip
              key={value}
              active={scope === value && !searching}
              onClick={() => {
                setText("");
                const next = new URLSearchParams();
                if (value !== "mine") next.set("scope", value);
                setParams(next, { replace: true });
              }}
              testId={`article-scope-${value}`}
            >
              {t(`articles.scope.${value}`)}
            </Chip>
          ))}
          <span className="mx-1 h-5 w-px bg-line" aria-hidden />
          {scope === "mine" || searching ? (
            <>
              <Chip active={!status} onClick={() => setParam("status", undefined)}>
                {t("articles.allStatuses")}
              </Chip>
              {ARTICLE_STATUSES.map((value: ArticleStatus) => (
                <Chip
                  key={value}
                  active={status === value}
                  onClick={() => setParam("status", value)}
                  testId={`article-status-${value}`}
                >
                  {t(`articles.status.${value}`)}
                </Chip>
              ))}
            </>
          ) : null}
          {(tags.data?.length ?? 0) > 0 && scope !== "deleted" ? (
            <select
              value={tag ?? ""}
              onChange={(event) => setParam("tag", event.target.value || undefined)}
              className="h-8 rounded-full border border-line bg-surface px-3 text-[13px] text-fg-muted hover:border-line-strong focus:border-accent focus:outline-none"
              aria-label={t("articles.tagFilter")}
              data-testid="article-tag-filter"
            >
              <option value="">{t("articles.allTags")}</option>
              {tags.data?.map((entry) => (
                <option key={entry.tag} value={entry.tag}>
                  #{entry.tag} ({entry.count})
                </option>
              ))}
            </select>
          ) : null}
        </div>
      </div>
      <Card className="overflow-hidden p-0">
        {active.isPending ? (
          <ListSkeleton />
        ) : active.isError ? (
          <div className="p-6">
            <EmptyState
              icon={SearchX}
              title={t("articles.loadFailed")}
              hint={active.error.message}
              action={<Button onClick={() => void active.refetch()}>{t("common.retry")}</Button>}
            />
          </div>
        ) : items.length === 0 ? (
          <div className="p-6">
            <EmptyState
              icon={searching ? SearchX : scope === "deleted" ? Trash2 : FileText}
              title={
                searching
                  ? t("articles.noHits", { query })
                  : scope === "deleted"
                    ? t("articles.emptyBin")
                    : t("articles.empty")
              }
              hint={searching ? t("articles.noHitsHint") : t("articles.emptyHint")}
            />
          </div>
        ) : (
          <ul className="divide-y divide-line" data-testid="article-list">
            {searching
              ? (items as ArticleSearchHit[]).map((hit) => (
                  <HitRow key={`${hit.id}-${hit.view}`} hit={hit} />
                ))
              : (items as ArticleSummary[]).map((item) => (
                  <SummaryRow
                    key={item.id}
                    item={item}
                    now={now}
                    onRestore={
                      scope === "deleted" ? () => restore.mutate({ id: item.id }) : undefined
                    }
                  />
                ))}
          </ul>
        )}
        {active.hasNextPage ? (
          <div className="border-t border-line p-3 text-center">
            <Button
              variant="ghost"
              loading={active.isFetchingNextPage}
              onClick={() => void active.fetchNextPage()}
            >
              {t("articles.more")}
            </Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
