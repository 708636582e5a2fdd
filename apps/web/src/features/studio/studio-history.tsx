import { Copy, ExternalLink, History, PencilLine, Trash2, TriangleAlert } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { toast } from "sonner";

import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { copyText } from "../../lib/copy-text";
import { formatDateTime, formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useNow } from "../../lib/use-now";
import { DeleteCardDialog } from "./delete-card-dialog";
import { formatBytes } from "./format-bytes";
import { templateName } from "./labels";
import { FORMAT_LABELS } from "./output-settings";
import { sameOriginPath } from "./same-origin";
import { fieldSpecsOf, headlineOf, valuesFromFields } from "./schema-fields";
import type { CardTemplate, HistoryCard } from "./types";

export const HISTORY_PAGE_SIZE = 12;

const iconButton =
  "inline-flex size-8 shrink-0 items-center justify-center rounded-md text-fg-muted transition-colors hover:bg-muted hover:text-fg";

/** A card's name in lists: its headline, else its template's name. */
function useCardName(templates: readonly CardTemplate[]) {
  const { t } = useTranslation();
  const specs = useMemo(
    () =>
      new Map(
        templates.map((template) => [
          template.id,
          { template, specs: fieldSpecsOf(template.jsonSchema, template.imageFields) },
        ]),
      ),
    [templates],
  );
  return (card: HistoryCard): { name: string; template: string; known: boolean } => {
    const entry = specs.get(card.templateId);
    if (!entry) return { name: card.templateId, template: card.templateId, known: false };
    const headline = headlineOf(entry.specs, valuesFromFields(entry.specs, card.fields).values);
    const template = templateName(t, entry.template);
    return { name: headline || template, template, known: true };
  };
}

function HistoryItem({
  card,
  name,
  template,
  known,
  now,
  onReopen,
  onDelete,
}: {
  card: HistoryCard;
  name: string;
  template: string;
  known: boolean;
  now: number;
  onReopen: () => void;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  return (
    <li data-testid="history-item" data-card-id={card.id} className="min-w-0">
      <Card className="flex h-full flex-col overflow-hidden">
        <div className="flex aspect-[1200/630] items-center justify-center border-b border-line bg-[radial-gradient(var(--line)_1px,transparent_1px)] bg-size-[12px_12px] bg-subtle/60 p-2">
          <img
            src={sameOriginPath(card.thumbnailUrl)}
            alt={t("studio.history.thumbnailAlt", { name, template })}
            width={card.width}
            height={card.height}
            className="block h-auto max-h-full w-auto max-w-full rounded-sm shadow-sm"
          />
        </div>
        <div className="flex flex-1 flex-col gap-2 px-3.5 pt-3 pb-2.5">
          <div className="min-w-0">
            <p className="truncate text-sm font-medium text-fg" title={name}>
              {name}
            </p>
            <p className="truncate text-xs text-fg-muted tabular-nums">
              {template} ·{" "}
              {t("studio.design.dimensions", { width: card.width, height: card.height })} ·{" "}
              {FORMAT_LABELS[card.format]} · {formatBytes(card.bytes, language)}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-1.5">
            <Badge tone={card.visibility === "public" ? "accent" : "neutral"}>
              {card.visibility === "public"
                ? t("studio.output.public")
                : t("studio.output.private")}
            </Badge>
            {card.warnings.length > 0 ? (
              <Badge tone="warning">
                <TriangleAlert className="size-3" aria-hidden />
                {t("studio.history.warnings", { count: card.warnings.length })}
              </Badge>
            ) : null}
            <time
              dateTime={card.createdAt.toISOString()}
              title={formatDateTime(card.createdAt, language)}
              className="ml-auto text-xs text-fg-subtle"
            >
              {formatRelative(card.createdAt, language, Math.max(now, card.createdAt.getTime()))}
            </time>
          </div>
          <div className="mt-auto flex items-center gap-1 border-t border-line pt-2">
            <Button
              size="sm"
              onClick={onReopen}
              disabled={!known}
              title={known ? undefined : t("studio.history.unknownTemplate")}
              aria-label={t("studio.history.reopenLabel", { name })}
              data-testid="history-reopen"
            >
              <PencilLine className="size-4" aria-hidden />
              {t("studio.history.reopen")}
            </Button>
            <div className="flex-1" />
            <button
              type="button"
              className={iconButton}
              aria-label={t("studio.history.copyLabel", { name })}
              title={t("studio.result.copyUrl")}
              onClick={() =>
                void copyText(card.url).then((ok) => {
                  if (ok) toast.success(t("common.copied"), { duration: 2000 });
                  else toast.error(t("common.copyFailed"));
                })
              }
            >
              <Copy className="size-4" aria-hidden />
            </button>
            <a
              href={card.url}
              target="_blank"
              rel="noreferrer"
              className={iconButton}
              aria-label={t("studio.history.openLabel", { name })}
              title={t("studio.result.open")}
            >
              <ExternalLink className="size-4" aria-hidden />
            </a>
            <button
              type="button"
              className={`${iconButton} hover:bg-danger-soft hover:text-danger`}
              aria-label={t("studio.history.deleteLabel", { name })}
              title={t("studio.delete.button")}
              onClick={onDelete}
              data-testid="history-delete"
            >
              <Trash2 className="size-4" aria-hidden />
            </button>
          </div>
        </div>
      </Card>
    </li>
  );
}

/** The caller's cards, newest first, a page at a time. */
export function StudioHistory({
  templates,
  onReopen,
  onDeleted,
}: {
  templates: readonly CardTemplate[];
  onReopen: (card: HistoryCard) => void;
  onDeleted: (id: string) => void;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const nameOf = useCardName(templates);
  const [deleting, setDeleting] = useState<HistoryCard | null>(null);
  const history = trpc.generate.history.useInfiniteQuery(
    { limit: HISTORY_PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );

  if (history.isPending) {
    return (
      <ul
        className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3"
        aria-busy
        data-testid="history-loading"
      >
        {Array.from({ length: 3 }, (_, index) => (
          <li key={index}>
            <Card className="overflow-hidden">
              <Skeleton className="aspect-[1200/630] rounded-none" />
              <div className="space-y-2 p-3.5">
                <Skeleton className="h-4 w-2/3" />
                <Skeleton className="h-3 w-1/2" />
              </div>
            </Card>
          </li>
        ))}
      </ul>
    );
  }
  if (history.isError) {
    return (
      <Card>
        <EmptyState
          icon={History}
          title={t("studio.history.loadFailed")}
          action={<Button onClick={() => void history.refetch()}>{t("common.retry")}</Button>}
        />
      </Card>
    );
  }
  const cards = history.data.pages.flatMap((page) => page.items);
  if (cards.length === 0) {
    return (
      <Card data-testid="history-empty">
        <EmptyState
          icon={History}
          title={t("studio.history.empty")}
          hint={t("studio.history.emptyHint")}
          action={
            <Link
              to="/studio"
              className="inline-flex h-9 items-center rounded-lg bg-accent px-3.5 text-sm font-medium text-accent-fg hover:bg-accent-hover"
            >
              {t("studio.history.toEditor")}
            </Link>
          }
        />
      </Card>
    );
  }

  const deletingName = deleting ? nameOf(deleting).name : "";
  return (
    <>
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" data-testid="history-list">
        {cards.map((card) => {
          const { name, template, known } = nameOf(card);
          return (
            <HistoryItem
              key={card.id}
              card={card}
              name={name}
              template={template}
              known={known}
              now={now}
              onReopen={() => onReopen(card)}
              onDelete={() => setDeleting(card)}
            />
          );
        })}
      </ul>
      <div className="mt-6 flex justify-center">
        {history.hasNextPage ? (
          <Button
            onClick={() => void history.fetchNextPage()}
            loading={history.isFetchingNextPage}
            data-testid="history-load-more"
          >
            {history.isFetchingNextPage
              ? t("studio.history.loadingMore")
              : t("studio.history.loadMore")}
          </Button>
        ) : (
          <p className="text-[13px] text-fg-subtle" data-testid="history-end">
            {t("studio.history.end")}
          </p>
        )}
      </div>
      <DeleteCardDialog
        card={deleting}
        name={deletingName}
        onClose={() => setDeleting(null)}
        onDeleted={onDeleted}
      />
    </>
  );
}
