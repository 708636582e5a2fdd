import { ArrowUpRight, CircleCheck, CircleX, Clock, PencilLine, X } from "lucide-react";
import { useCallback, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { FormFailureAlert } from "../../components/form-failure";
import { Alert } from "../../components/ui/alert";
import { Button, buttonClass } from "../../components/ui/button";
import { Spinner } from "../../components/ui/spinner";
import { cx } from "../../lib/cx";
import { formatDuration } from "../../lib/format";
import { ConnectionBadge } from "../live-events/connection-indicator";
import { formatBytes } from "../studio/format-bytes";
import { FileDownload } from "../tasks/task-files-view";
import { splitTaskFiles, taskFilesOf } from "../tasks/task-files";
import { TaskProgress, TaskStatusBadge } from "../tasks/task-status";
import type { TaskItem, TaskUpdate } from "../tasks/types";
import { useWatchedTask } from "../tasks/use-watched-task";
import type { WatchedTask } from "../tasks/use-watched-task";
import { mergeResults, photoStates, resultOfLog, resultsOfOutput } from "./batch-items";
import type { BatchResult, PhotoState } from "./batch-items";
import { CHECKERBOARD } from "./checkerboard";
import { BATCH_MAX_FILES, UPLOAD_MAX_BYTES } from "./photo-files";
import type { CutoutBatch } from "./use-cutout-batch";

function StateLine({ state }: { state: PhotoState }) {
  const { t } = useTranslation();
  switch (state.kind) {
    case "waiting":
      return <span className="text-fg-subtle">{t("cutout.batch.state.waiting")}</span>;
    case "uploading": {
      const percent = Math.round(state.progress * 100);
      return (
        <span className="flex items-center gap-2">
          <span
            role="progressbar"
            aria-label={t("cutout.batch.state.uploadLabel")}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-1.5 w-24 overflow-hidden rounded-full bg-muted"
          >
            <span
              className="block h-full rounded-full bg-accent transition-[width] duration-150"
              style={{ width: `${percent}%` }}
            />
          </span>
          <span className="text-fg-muted tabular-nums">
            {t("cutout.batch.state.uploading", { percent })}
          </span>
        </span>
      );
    }
    case "uploadFailed":
      return (
        <span className="text-danger">
          {t("cutout.batch.state.uploadFailed", { reason: state.message })}
        </span>
      );
    case "queued":
      return (
        <span className="inline-flex items-center gap-1.5 text-fg-muted">
          <Clock className="size-3.5" aria-hidden />
          {t("cutout.batch.state.queued")}
        </span>
      );
    case "working":
      return (
        <span className="inline-flex items-center gap-1.5 text-accent">
          <Spinner className="size-3.5" />
          {t("cutout.batch.state.working")}
        </span>
      );
    case "done":
      return (
        <span className="inline-flex items-center gap-1.5 text-success">
          <CircleCheck className="size-3.5" aria-hidden />
          {t("cutout.batch.state.done")}
        </span>
      );
    case "failed":
      return (
        <span className="inline-flex items-start gap-1.5 text-danger">
          <CircleX className="mt-0.5 size-3.5 shrink-0" aria-hidden />
          <span className="min-w-0 break-words">{state.message}</span>
        </span>
      );
    case "skipped":
      return <span className="text-fg-subtle">{t("cutout.batch.state.skipped")}</span>;
  }
}

/** The batch's photos, each with its thumbnail (the result once made) and its state. */
function PhotoList({
  batch,
  states,
  onOpen,
}: {
  batch: CutoutBatch;
  states: PhotoState[];
  onOpen: (cutoutId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  return (
    <ul
      className="divide-y divide-line overflow-hidden rounded-lg border border-line"
      data-testid="cutout-batch-photos"
    >
      {batch.uploads.map((upload, index) => {
        const state = states[index] ?? { kind: "waiting" };
        const result = state.kind === "done" ? state.thumbnail : null;
        const preview = result ?? batch.previews.get(upload.key) ?? null;
        return (
          <li
            key={upload.key}
            className="flex items-center gap-3 px-3 py-2.5"
            data-testid="cutout-batch-photo"
            data-state={state.kind}
          >
            <span
              className={cx(
                "relative size-14 shrink-0 overflow-hidden rounded-md ring-1 ring-line",
                result ? CHECKERBOARD : "bg-subtle",
              )}
            >
              {preview ? (
                <img
                  src={preview}
                  alt={result ? t("cutout.batch.resultAlt", { name: upload.name }) : ""}
                  className={cx(
                    "size-full object-contain",
                    !result && state.kind !== "failed" && state.kind !== "uploadFailed"
                      ? "opacity-70"
                      : null,
                  )}
                  data-testid={result ? "cutout-batch-result" : undefined}
                />
              ) : null}
            </span>
            <div className="min-w-0 flex-1 space-y-1">
              <p className="truncate text-sm text-fg" title={upload.name}>
                {upload.name}
                <span className="text-fg-subtle"> · {formatBytes(upload.size, language)}</span>
              </p>
              <div className="text-[13px]">
                <StateLine state={state} />
              </div>
            </div>
            {state.kind === "done" ? (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => onOpen(state.cutoutId)}
                aria-label={t("cutout.batch.openLabel", { name: upload.name })}
                data-testid="cutout-batch-open"
              >
                <PencilLine className="size-4" aria-hidden />
                <span className="hidden sm:inline">{t("cutout.batch.open")}</span>
              </Button>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The task's progress ("2 of 5 photos"), its place in the queue, and its end. */
function TaskSummary({ watched }: { watched: WatchedTask }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const { task, queue } = watched;
  if (!task) return null;
  const { archives } = splitTaskFiles(taskFilesOf(task.output));
  const succeeded = typeof task.output?.["succeeded"] === "number" ? task.output["succeeded"] : 0;
  const failed = typeof task.output?.["failed"] === "number" ? task.output["failed"] : 0;
  return (
    <div className="space-y-3">
      {task.status === "running" ? (
        <TaskProgress
          progress={task.progress}
          message={task.progressMessage}
          label={t("cutout.batch.progressLabel")}
        />
      ) : null}
      {task.status === "queued" ? (
        <p className="text-[13px] text-fg-muted" data-testid="cutout-batch-queue">
          {queue
            ? `${t("tasks.row.position", { position: queue.position })} · ${
                queue.etaMs === null
                  ? t("tasks.row.etaUnknown")
                  : t("tasks.row.eta", { eta: formatDuration(queue.etaMs, language) })
              }`
            : t("tasks.row.waiting")}
        </p>
      ) : null}
      {task.status === "succeeded" ? (
        <div className="flex flex-wrap items-center gap-3 rounded-lg border border-success/25 bg-success-soft px-3 py-2.5">
          <CircleCheck className="size-5 shrink-0 text-success" aria-hidden />
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium text-fg" data-testid="cutout-batch-done">
              {t("cutout.batch.done", { count: succeeded })}
            </p>
            {failed > 0 ? (
              <p className="text-[13px] text-fg-muted">
                {t("cutout.batch.someFailed", { count: failed })}
              </p>
            ) : null}
          </div>
          {archives.map((file) => (
            <FileDownload
              key={file.name}
              file={file}
              variant="primary"
              label={t("cutout.batch.downloadZip")}
              testId="cutout-batch-zip"
            />
          ))}
        </div>
      ) : null}
      {task.status === "failed" && task.error ? (
        <Alert tone="danger" title={t("cutout.batch.failed")}>
          <p className="break-words">{task.error.message}</p>
        </Alert>
      ) : null}
      {task.status === "canceled" || task.status === "interrupted" ? (
        <p className="text-[13px] text-fg-muted">{t(`tasks.status.${task.status}`)}</p>
      ) : null}
    </div>
  );
}

/** A batch whose task exists: its log read as it comes, its photos' states from it. */
function Watching({
  batch,
  task: initial,
  onOpen,
  header,
}: {
  batch: CutoutBatch;
  task: TaskItem;
  onOpen: (cutoutId: string) => void;
  header: (badges: ReactNode) => ReactNode;
}) {
  const { t } = useTranslation();
  const [logged, setLogged] = useState<ReadonlyMap<number, BatchResult>>(new Map());
  const onUpdate = useCallback((update: TaskUpdate) => {
    if (update.type !== "log") return;
    const result = resultOfLog(update.data);
    if (result) setLogged((current) => new Map(current).set(result.index, result));
  }, []);
  const watched = useWatchedTask(initial.id, initial, onUpdate);
  const task = watched.task ?? initial;
  const results = mergeResults(logged, resultsOfOutput(task.output));
  const states = photoStates(batch.uploads, batch.sent, results, task.status);
  return (
    <>
      {header(
        <>
          <TaskStatusBadge task={task} />
          <ConnectionBadge
            status={watched.live.status}
            stopped={watched.live.stopped}
            onReconnect={watched.live.reconnect}
            label={t("tasks.liveLabel")}
            testId="cutout-batch-connection"
          />
        </>,
      )}
      <div className="space-y-4" data-testid="cutout-batch-task" data-status={task.status}>
        <TaskSummary watched={{ ...watched, task }} />
        <PhotoList batch={batch} states={states} onOpen={onOpen} />
      </div>
    </>
  );
}

/**
 * A batch on the page: every photo's upload, then the task's progress and each photo's result
 * (or why it failed), then the zip of them all.
 */
export function BatchPanel({
  batch,
  onOpen,
  onClose,
}: {
  batch: CutoutBatch;
  onOpen: (cutoutId: string) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const max = formatBytes(UPLOAD_MAX_BYTES, i18n.resolvedLanguage ?? "en");
  const uploaded = batch.uploads.filter((upload) => upload.status === "uploaded").length;
  const uploading = batch.sent === null && batch.uploads.length > 0;

  const header = (badges: ReactNode) => (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <div className="min-w-0">
        <h2 className="text-sm font-semibold text-fg">
          {t("cutout.batch.title", { count: batch.uploads.length })}
        </h2>
        <p className="text-[13px] text-fg-muted">{t("cutout.batch.keepsRunning")}</p>
      </div>
      <div className="flex items-center gap-2">
        {badges}
        <Button size="sm" variant="ghost" onClick={onClose} data-testid="cutout-batch-close">
          <X className="size-4" aria-hidden />
          {t("cutout.batch.close")}
        </Button>
      </div>
    </div>
  );

  return (
    <div className="space-y-4" data-testid="cutout-batch">
      {batch.task ? (
        <Watching
          key={batch.task.id}
          batch={batch}
          task={batch.task}
          onOpen={onOpen}
          header={header}
        />
      ) : (
        <>
          {header(null)}
          {uploading ? (
            <p className="text-[13px] text-fg-muted" aria-live="polite">
              {t("cutout.batch.uploading", { done: uploaded, count: batch.uploads.length })}
            </p>
          ) : null}
          {batch.failure ? <FormFailureAlert failure={batch.failure} secondsLeft={0} /> : null}
          {batch.uploads.length > 0 ? (
            <PhotoList
              batch={batch}
              states={photoStates(batch.uploads, null, new Map(), null)}
              onOpen={onOpen}
            />
          ) : null}
        </>
      )}
      {batch.refused.length > 0 ? (
        <Alert
          tone="warning"
          title={t("cutout.batch.refusedTitle", { count: batch.refused.length })}
        >
          <ul className="space-y-0.5" data-testid="cutout-batch-refused">
            {batch.refused.map((entry, index) => (
              <li key={index} className="break-words">
                <span className="font-medium">{entry.name}</span>
                {" · "}
                {t(`cutout.batch.refused.${entry.problem}`, { max, limit: BATCH_MAX_FILES })}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <div className="flex justify-end">
        <Link to="/tasks" className={buttonClass({ variant: "ghost", size: "sm" })}>
          {t("cutout.batch.openTasks")}
          <ArrowUpRight className="size-4" aria-hidden />
        </Link>
      </div>
    </div>
  );
}
