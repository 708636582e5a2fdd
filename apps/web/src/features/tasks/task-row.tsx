import { Boxes, Cog, ImageIcon, RotateCcw, Scissors, Trash2, X } from "lucide-react";
import type { LucideIcon } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { formatDateTime, formatDuration, formatRelative } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { describeTask } from "./describe-task";
import { canCancel, canDelete, canRetry } from "./task-details";
import { FileDownload, TaskThumbnails } from "./task-files-view";
import { splitTaskFiles, taskFilesOf } from "./task-files";
import { TaskProgress, TaskStatusBadge } from "./task-status";
import { CARDS_BATCH_KIND, CUTOUT_BATCH_KIND, IMAGE_GENERATE_KIND } from "./types";
import type { TaskItem } from "./types";
import { useTaskActions } from "./use-task-actions";

const KIND_ICONS: Record<string, LucideIcon> = {
  [CARDS_BATCH_KIND]: Boxes,
  [IMAGE_GENERATE_KIND]: ImageIcon,
  [CUTOUT_BATCH_KIND]: Scissors,
};

function Time({
  date,
  now,
  label,
}: {
  date: Date;
  now: number;
  label: "tasks.row.created" | "tasks.row.started" | "tasks.row.finished";
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date, language)}>
      {t(label, {
        when: formatRelative(date, language, Math.max(now, date.getTime())),
      })}
    </time>
  );
}

/** Where a queued task stands: its place and ETA (from `tasks.byId`), or when it runs again. */
function QueuePlace({ task, now }: { task: TaskItem; now: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  // A light poll: places also move when other users' tasks start, which this stream never sees.
  const detail = trpc.tasks.byId.useQuery(
    { id: task.id },
    { refetchInterval: 10_000, staleTime: 5_000, meta: { errorToast: false } },
  );
  const waitMs = task.runAfter.getTime() - now;
  if (waitMs > 1000) {
    return (
      <p className="text-[13px] text-fg-muted" data-testid="task-queue">
        {t("tasks.row.retryIn", { wait: formatDuration(waitMs, language) })}
      </p>
    );
  }
  const queue = detail.data?.queue;
  if (!queue) {
    return (
      <p className="text-[13px] text-fg-muted" data-testid="task-queue">
        {t("tasks.row.waiting")}
      </p>
    );
  }
  return (
    <p className="text-[13px] text-fg-muted" data-testid="task-queue">
      {t("tasks.row.position", { position: queue.position })}
      {" · "}
      {queue.etaMs === null
        ? t("tasks.row.etaUnknown")
        : t("tasks.row.eta", { eta: formatDuration(queue.etaMs, language) })}
    </p>
  );
}

/** One task: what it is, where it stands, what it made, and what can be done with it. */
export function TaskRow({
  task,
  now,
  userId,
  onDelete,
}: {
  task: TaskItem;
  now: number;
  userId: string | undefined;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const { cancel, retry } = useTaskActions();
  const { title, summary } = describeTask(t, task);
  const Icon = KIND_ICONS[task.kind] ?? Cog;
  const { images, archives } = splitTaskFiles(taskFilesOf(task.output));
  const took =
    task.startedAt && task.finishedAt ? task.finishedAt.getTime() - task.startedAt.getTime() : null;
  const busy = cancel.isPending || retry.isPending;
  const meta = [
    <Time key="created" date={task.createdAt} now={now} label="tasks.row.created" />,
    task.finishedAt ? (
      <Time key="finished" date={task.finishedAt} now={now} label="tasks.row.finished" />
    ) : task.startedAt && task.status === "running" ? (
      <Time key="started" date={task.startedAt} now={now} label="tasks.row.started" />
    ) : null,
    took !== null && task.status === "succeeded" ? (
      <span key="took">{t("tasks.row.took", { duration: formatDuration(took, language) })}</span>
    ) : null,
    task.attempts > 0 ? (
      <span key="attempts" data-testid="task-attempts">
        {t("tasks.row.attempts", { attempts: task.attempts, max: task.maxAttempts })}
      </span>
    ) : null,
  ].filter(Boolean);

  return (
    <li
      className="px-4 py-4 sm:px-5"
      data-testid="task-row"
      data-task-id={task.id}
      data-status={task.status}
      data-kind={task.kind}
    >
      <div className="flex items-start gap-3">
        <span className="flex size-9 shrink-0 items-center justify-center rounded-lg border border-line bg-subtle text-fg-muted">
          <Icon className="size-4" aria-hidden />
        </span>
        <div className="min-w-0 flex-1 space-y-2">
          <div className="space-y-0.5">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
              <h3 className="text-sm font-medium text-fg">{title}</h3>
              <TaskStatusBadge task={task} />
            </div>
            {summary ? (
              <p className="truncate text-[13px] text-fg-muted" title={summary}>
                {summary}
              </p>
            ) : null}
            <p className="flex flex-wrap gap-x-1.5 text-xs text-fg-subtle tabular-nums">
              {meta.map((item, index) => (
                // Each part keeps its separator, so a wrapped line never ends with a dot.
                <span key={index} className="whitespace-nowrap">
                  {index > 0 ? <span aria-hidden>· </span> : null}
                  {item}
                </span>
              ))}
            </p>
          </div>

          {task.status === "running" ? (
            <TaskProgress
              progress={task.progress}
              message={task.progressMessage}
              label={t("tasks.row.progressLabel", { name: title })}
            />
          ) : null}
          {task.status === "queued" ? <QueuePlace task={task} now={now} /> : null}
          {task.error && task.status !== "succeeded" ? (
            <p
              className={
                task.status === "failed"
                  ? "rounded-md border border-danger/25 bg-danger-soft px-2.5 py-1.5 text-[13px] break-words text-danger"
                  : "text-[13px] break-words text-fg-muted"
              }
              data-testid="task-error"
            >
              {task.status === "failed"
                ? task.error.message
                : t("tasks.row.lastError", { message: task.error.message })}
            </p>
          ) : null}
          {task.status === "interrupted" ? (
            <p className="text-[13px] text-fg-muted">{t("tasks.row.interrupted")}</p>
          ) : null}
          {task.canceledBy && (task.status === "canceled" || task.cancelRequested) ? (
            <p className="text-[13px] text-fg-muted" data-testid="task-canceled-by">
              {task.canceledBy === userId
                ? t("tasks.row.canceledByYou")
                : t("tasks.row.canceledByOther")}
            </p>
          ) : null}
          {images.length > 0 ? <TaskThumbnails images={images} title={title} /> : null}
        </div>
      </div>

      {archives.length > 0 || canCancel(task) || canRetry(task) || canDelete(task) ? (
        <div className="mt-3 flex flex-wrap items-center gap-2 pl-12">
          {archives.map((file) => (
            <FileDownload key={file.name} file={file} testId="task-download" />
          ))}
          <div className="flex-1" />
          {canRetry(task) ? (
            <Button
              size="sm"
              onClick={() => retry.mutate({ id: task.id })}
              loading={retry.isPending}
              disabled={busy}
              data-testid="task-retry"
            >
              {retry.isPending ? null : <RotateCcw className="size-4" aria-hidden />}
              {t("tasks.actions.retry")}
            </Button>
          ) : null}
          {canCancel(task) ? (
            <Button
              size="sm"
              onClick={() => cancel.mutate({ id: task.id })}
              loading={cancel.isPending}
              disabled={busy}
              data-testid="task-cancel"
            >
              {cancel.isPending ? null : <X className="size-4" aria-hidden />}
              {t("tasks.actions.cancel")}
            </Button>
          ) : null}
          {canDelete(task) ? (
            <Button
              size="sm"
              variant="danger-ghost"
              onClick={onDelete}
              disabled={busy}
              aria-label={t("tasks.actions.deleteLabel", { name: title })}
              data-testid="task-delete"
            >
              <Trash2 className="size-4" aria-hidden />
              <span className="hidden sm:inline">{t("tasks.actions.delete")}</span>
            </Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
