import { ImageIcon, PencilLine, RefreshCw, X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { Card, CardHeader } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { formatDateTime, formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useNow } from "../../lib/use-now";
import { canCancel, imageInputOf } from "../tasks/task-details";
import type { ImageRequestInput } from "../tasks/task-details";
import { FileDownload, TaskThumbnails } from "../tasks/task-files-view";
import { splitTaskFiles, taskFilesOf } from "../tasks/task-files";
import { TaskProgress, TaskStatusBadge } from "../tasks/task-status";
import { IMAGE_GENERATE_KIND } from "../tasks/types";
import type { TaskItem } from "../tasks/types";
import { useTaskActions } from "../tasks/use-task-actions";

export const GALLERY_PAGE_SIZE = 12;

/** Grey squares where the pictures will be (thumbnails are square crops too). */
function Placeholders({ count }: { count: number }) {
  return (
    <div className="grid grid-cols-2 gap-2 sm:grid-cols-4" aria-hidden>
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="aspect-square animate-pulse rounded-md bg-muted" />
      ))}
    </div>
  );
}

function GalleryItem({
  task,
  now,
  canGenerate,
  regenerating,
  onRegenerate,
  onReuse,
}: {
  task: TaskItem;
  now: number;
  canGenerate: boolean;
  regenerating: boolean;
  onRegenerate: (request: ImageRequestInput) => void;
  onReuse: (request: ImageRequestInput) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const { cancel } = useTaskActions();
  const request = imageInputOf(task.input);
  const { images, archives } = splitTaskFiles(taskFilesOf(task.output));
  const active = task.status === "queued" || task.status === "running";
  const title = request?.prompt ?? t("tasks.kind.imageGenerate");

  return (
    <li
      className="min-w-0 space-y-3 px-4 py-4 sm:px-5"
      data-testid="ai-gallery-item"
      data-task-id={task.id}
      data-status={task.status}
    >
      {images.length > 0 ? (
        <TaskThumbnails images={images} title={title} size="lg" />
      ) : active ? (
        <Placeholders count={request?.count ?? 1} />
      ) : null}
      {task.status === "running" ? (
        <TaskProgress
          progress={task.progress}
          message={task.progressMessage}
          label={t("tasks.row.progressLabel", { name: title })}
        />
      ) : null}
      {task.status === "failed" && task.error ? (
        <p className="rounded-md border border-danger/25 bg-danger-soft px-2.5 py-1.5 text-[13px] break-words text-danger">
          {task.error.message}
        </p>
      ) : null}
      <div className="space-y-1.5">
        <p className="line-clamp-2 text-sm text-fg" title={request?.prompt}>
          {title}
        </p>
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-fg-muted tabular-nums">
          <TaskStatusBadge task={task} />
          {request ? (
            <span>
              {t("studio.design.dimensions", { width: request.width, height: request.height })} ·{" "}
              {t("tasks.summary.images", { count: request.count })}
              {request.seed === undefined
                ? null
                : ` · ${t("studio.ai.seedValue", { seed: request.seed })}`}
            </span>
          ) : null}
          <time
            dateTime={task.createdAt.toISOString()}
            title={formatDateTime(task.createdAt, language)}
            className="ml-auto text-fg-subtle"
          >
            {formatRelative(task.createdAt, language, Math.max(now, task.createdAt.getTime()))}
          </time>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-1.5">
        {request ? (
          <>
            <Button
              size="sm"
              onClick={() => onRegenerate(request)}
              disabled={!canGenerate || regenerating}
              loading={regenerating}
              data-testid="ai-regenerate"
            >
              {regenerating ? null : <RefreshCw className="size-4" aria-hidden />}
              {t("studio.ai.regenerate")}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onReuse(request)}
              title={t("studio.ai.reuseHint")}
              data-testid="ai-reuse"
            >
              <PencilLine className="size-4" aria-hidden />
              {t("studio.ai.reuse")}
            </Button>
          </>
        ) : null}
        <div className="flex-1" />
        {canCancel(task) ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => cancel.mutate({ id: task.id })}
            loading={cancel.isPending}
            data-testid="ai-cancel"
          >
            {cancel.isPending ? null : <X className="size-4" aria-hidden />}
            {t("tasks.actions.cancel")}
          </Button>
        ) : null}
        {archives.map((file) => (
          <FileDownload
            key={file.name}
            file={file}
            label={t("studio.ai.downloadAll")}
            testId="ai-download-all"
          />
        ))}
      </div>
    </li>
  );
}

/** The caller's AI image tasks, newest first, live. */
export function AiImageGallery({
  canGenerate,
  regeneratingId,
  onRegenerate,
  onReuse,
}: {
  canGenerate: boolean;
  /** The task whose "Regenerate" is being sent. */
  regeneratingId: string | null;
  onRegenerate: (task: TaskItem, request: ImageRequestInput) => void;
  onReuse: (request: ImageRequestInput) => void;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const tasks = trpc.tasks.list.useInfiniteQuery(
    { limit: GALLERY_PAGE_SIZE, kind: IMAGE_GENERATE_KIND },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );

  let body;
  if (tasks.isPending) {
    body = (
      <div className="grid gap-4 p-4 sm:grid-cols-2" aria-busy data-testid="ai-gallery-loading">
        <Skeleton className="aspect-square rounded-xl" />
        <Skeleton className="aspect-square rounded-xl" />
      </div>
    );
  } else if (tasks.isError) {
    body = (
      <EmptyState
        icon={ImageIcon}
        title={t("studio.ai.galleryFailed")}
        action={<Button onClick={() => void tasks.refetch()}>{t("common.retry")}</Button>}
      />
    );
  } else {
    const items = tasks.data.pages.flatMap((page) => page.items);
    body =
      items.length === 0 ? (
        <div data-testid="ai-gallery-empty">
          <EmptyState
            icon={ImageIcon}
            title={t("studio.ai.galleryEmpty")}
            hint={t("studio.ai.galleryEmptyHint")}
          />
        </div>
      ) : (
        <>
          <ul className="divide-y divide-line" data-testid="ai-gallery">
            {items.map((task) => (
              <GalleryItem
                key={task.id}
                task={task}
                now={now}
                canGenerate={canGenerate}
                regenerating={regeneratingId === task.id}
                onRegenerate={(request) => onRegenerate(task, request)}
                onReuse={onReuse}
              />
            ))}
          </ul>
          {tasks.hasNextPage ? (
            <div className="flex justify-center border-t border-line px-4 py-3">
              <Button onClick={() => void tasks.fetchNextPage()} loading={tasks.isFetchingNextPage}>
                {tasks.isFetchingNextPage ? t("tasks.loadingMore") : t("tasks.loadMore")}
              </Button>
            </div>
          ) : null}
        </>
      );
  }

  return (
    <Card>
      <CardHeader
        title={t("studio.ai.galleryTitle")}
        description={t("studio.ai.gallerySubtitle")}
      />
      {body}
    </Card>
  );
}
