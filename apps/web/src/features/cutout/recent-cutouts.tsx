import { Scissors, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { cx } from "../../lib/cx";
import { formatDateTime, formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useNow } from "../../lib/use-now";
import { sameOriginPath } from "../studio/same-origin";
import { CHECKERBOARD } from "./checkerboard";
import { DeleteCutoutDialog } from "./delete-cutout-dialog";
import type { CutoutItem } from "./types";

export const RECENT_PAGE_SIZE = 12;

/** The caller's cut-outs, newest first: a click opens one in the editor. */
export function RecentCutouts({
  openId,
  onOpen,
  onDeleted,
}: {
  /** The cut-out open in the editor, marked in the list. */
  openId: string | null;
  onOpen: (cutout: CutoutItem) => void;
  onDeleted: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const now = useNow();
  const [deleting, setDeleting] = useState<CutoutItem | null>(null);
  const list = trpc.cutout.list.useInfiniteQuery(
    { limit: RECENT_PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );

  let body;
  if (list.isPending) {
    body = (
      <div className="grid grid-cols-2 gap-3 p-4 sm:grid-cols-4 lg:grid-cols-6" aria-busy>
        {Array.from({ length: 6 }, (_, index) => (
          <Skeleton key={index} className="aspect-square rounded-lg" />
        ))}
      </div>
    );
  } else if (list.isError) {
    body = (
      <EmptyState
        icon={Scissors}
        title={t("cutout.recent.loadFailed")}
        action={<Button onClick={() => void list.refetch()}>{t("common.retry")}</Button>}
      />
    );
  } else {
    const items = list.data.pages.flatMap((page) => page.items);
    body =
      items.length === 0 ? (
        <div data-testid="cutout-recent-empty">
          <EmptyState
            icon={Scissors}
            title={t("cutout.recent.empty")}
            hint={t("cutout.recent.emptyHint")}
          />
        </div>
      ) : (
        <>
          <ul
            className="grid grid-cols-2 gap-3 p-4 sm:grid-cols-4 lg:grid-cols-6"
            data-testid="cutout-recent"
          >
            {items.map((cutout) => {
              const name = cutout.fileName ?? t("cutout.recent.untitled");
              const open = cutout.id === openId;
              return (
                <li
                  key={cutout.id}
                  className="group relative min-w-0"
                  data-testid="cutout-recent-item"
                  data-cutout-id={cutout.id}
                >
                  <button
                    type="button"
                    onClick={() => onOpen(cutout)}
                    aria-label={t("cutout.recent.open", { name })}
                    aria-current={open || undefined}
                    className={cx(
                      "block aspect-square w-full cursor-pointer overflow-hidden rounded-lg ring-1 transition hover:ring-2 hover:ring-accent",
                      CHECKERBOARD,
                      open ? "ring-2 ring-accent" : "ring-line",
                    )}
                  >
                    <img
                      src={sameOriginPath(cutout.thumbnailUrl)}
                      alt=""
                      loading="lazy"
                      decoding="async"
                      className="size-full object-contain transition-transform group-hover:scale-[1.03]"
                    />
                  </button>
                  <div className="mt-1.5 flex items-start gap-1">
                    <div className="min-w-0 flex-1">
                      <p className="truncate text-[13px] text-fg" title={name}>
                        {name}
                      </p>
                      <time
                        dateTime={cutout.createdAt.toISOString()}
                        title={formatDateTime(cutout.createdAt, language)}
                        className="block text-xs text-fg-subtle"
                      >
                        {formatRelative(
                          cutout.createdAt,
                          language,
                          Math.max(now, cutout.createdAt.getTime()),
                        )}
                      </time>
                    </div>
                    <Button
                      size="icon"
                      variant="ghost"
                      className="-mt-0.5 -mr-1 size-7 text-fg-subtle hover:text-danger"
                      onClick={() => setDeleting(cutout)}
                      aria-label={t("cutout.recent.delete", { name })}
                      title={t("cutout.recent.delete", { name })}
                      data-testid="cutout-recent-delete"
                    >
                      <Trash2 className="size-4" aria-hidden />
                    </Button>
                  </div>
                </li>
              );
            })}
          </ul>
          {list.hasNextPage ? (
            <div className="flex justify-center border-t border-line px-4 py-3">
              <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? t("tasks.loadingMore") : t("tasks.loadMore")}
              </Button>
            </div>
          ) : null}
        </>
      );
  }

  return (
    <Card>
      <CardHeader title={t("cutout.recent.title")} description={t("cutout.recent.subtitle")} />
      {body}
      <DeleteCutoutDialog
        cutout={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={onDeleted}
      />
    </Card>
  );
}
