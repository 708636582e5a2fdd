import { ImageIcon, RotateCcw } from "lucide-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { FormFailureAlert, useSecondsUntil } from "../../components/form-failure";
import { Button } from "../../components/ui/button";
import { Spinner } from "../../components/ui/spinner";
import type { ApiFailure } from "../../lib/errors";
import { readApiFailure } from "../../lib/errors";
import { formatDuration } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { useNow } from "../../lib/use-now";
import { TaskProgress } from "../tasks/task-status";
import type { TaskItem } from "../tasks/types";
import { useWatchedTask } from "../tasks/use-watched-task";
import { resultsOfOutput } from "./batch-items";
import type { CutoutJob } from "./use-cutout-job";
import type { CutoutItem, CutoutModels, CutoutOutput } from "./types";

function Indeterminate({ label }: { label: string }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      className="h-1.5 overflow-hidden rounded-full bg-muted"
    >
      <div className="h-full w-1/3 animate-indeterminate rounded-full bg-accent motion-reduce:w-full motion-reduce:animate-pulse" />
    </div>
  );
}

/** A failure of the task's own, as the envelope the alert shows. */
function taskFailure(message: string): ApiFailure {
  return { code: "INTERNAL", message, requestId: null, fieldErrors: {}, retryAfterMs: null };
}

/**
 * A big photo's task, followed live; once done, its cut-out is fetched and opened. A photo the
 * task could not use (or a task that failed) becomes the job's failure.
 */
function QueuedWatch({
  task: initial,
  onDone,
  onFailed,
}: {
  task: TaskItem;
  onDone: (cutout: CutoutItem, output: CutoutOutput | null) => void;
  onFailed: (failure: ApiFailure) => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const { task, queue } = useWatchedTask(initial.id, initial);
  const settled = useRef(false);
  const status = task?.status;
  const output = task?.output ?? null;
  const error = task?.error?.message ?? null;

  useEffect(() => {
    if (settled.current || !status) return;
    if (status === "succeeded") {
      settled.current = true;
      const [result] = resultsOfOutput(output);
      if (!result?.cutoutId) {
        onFailed(taskFailure(result?.error ?? t("errors.generic")));
        return;
      }
      utils.cutout.byId.fetch({ id: result.cutoutId }).then(
        (cutout) => {
          void utils.cutout.list.invalidate();
          onDone(cutout, cutout.outputs.find((entry) => entry.name === result.output) ?? null);
        },
        (failure: unknown) => onFailed(readApiFailure(failure)),
      );
    } else if (status === "failed" || status === "canceled" || status === "interrupted") {
      settled.current = true;
      onFailed(taskFailure(error ?? t(`tasks.status.${status}`)));
    }
  }, [status, output, error, utils, onDone, onFailed, t]);

  if (!task) return null;
  return (
    <div className="space-y-2" data-testid="cutout-queued">
      {task.status === "running" ? (
        <TaskProgress
          progress={task.progress}
          message={task.progressMessage}
          label={t("cutout.job.removingLabel")}
        />
      ) : (
        <Indeterminate label={t("cutout.job.removingLabel")} />
      )}
      <p className="text-[13px] text-fg-muted">
        {task.status === "queued"
          ? queue
            ? t("cutout.job.queuedPlace", { position: queue.position })
            : t("cutout.job.queued")
          : t("cutout.job.bigPhoto")}
      </p>
    </div>
  );
}

/**
 * A photo on its way: shown dimmed, with the upload's progress, then "removing the background"
 * and how long that usually takes (and how busy the model is), or why it failed.
 */
export function JobProgress({
  job,
  models,
  onDone,
  onFailed,
  onDismiss,
}: {
  job: CutoutJob;
  models: CutoutModels | undefined;
  onDone: (cutout: CutoutItem, output: CutoutOutput | null) => void;
  onFailed: (failure: ApiFailure) => void;
  onDismiss: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const now = useNow(500);
  const { state } = job;
  const queue = models?.queue ?? null;
  const failed = state.phase === "failed";
  const secondsLeft = useSecondsUntil(
    failed && state.failure.retryAfterMs !== null ? state.at + state.failure.retryAfterMs : null,
  );

  let body;
  if (state.phase === "uploading") {
    const percent = Math.round(state.progress * 100);
    body = (
      <div className="space-y-2">
        <div
          role="progressbar"
          aria-label={t("cutout.job.uploadLabel", { name: job.fileName })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="h-1.5 overflow-hidden rounded-full bg-muted"
        >
          <div
            className="h-full rounded-full bg-accent transition-[width] duration-150"
            style={{ width: `${percent}%` }}
          />
        </div>
        <p className="text-sm font-medium text-fg">{t("cutout.job.uploading", { percent })}</p>
      </div>
    );
  } else if (state.phase === "removing") {
    const seconds = Math.max(0, Math.floor((now - state.since) / 1000));
    const ahead = queue ? queue.queued + queue.running : 0;
    body = (
      <div className="space-y-2">
        <Indeterminate label={t("cutout.job.removingLabel")} />
        <p className="flex items-center justify-between gap-3 text-sm font-medium text-fg">
          <span>{state.sending ? t("cutout.job.sending") : t("cutout.job.removing")}</span>
          <span className="text-[13px] font-normal text-fg-muted tabular-nums">
            {t("cutout.job.elapsed", { seconds })}
          </span>
        </p>
        <p className="text-[13px] text-fg-muted" data-testid="cutout-job-hint">
          {ahead > 1
            ? t("cutout.job.busy", { count: ahead - 1 })
            : queue?.p50InferMs
              ? t("cutout.job.usually", { duration: formatDuration(queue.p50InferMs, language) })
              : t("cutout.job.firstRun")}
        </p>
      </div>
    );
  } else if (state.phase === "queued") {
    body = <QueuedWatch task={state.task} onDone={onDone} onFailed={onFailed} />;
  } else {
    body = (
      <div className="space-y-3" data-testid="cutout-failed">
        <FormFailureAlert failure={state.failure} secondsLeft={secondsLeft} />
        <Button onClick={onDismiss} data-testid="cutout-failed-dismiss">
          <RotateCcw className="size-4" aria-hidden />
          {t("cutout.job.another")}
        </Button>
      </div>
    );
  }

  return (
    <div
      className="grid gap-5 sm:grid-cols-[minmax(0,14rem)_minmax(0,1fr)] sm:items-center"
      aria-busy={!failed || undefined}
      data-testid="cutout-job"
      data-phase={state.phase}
    >
      <div className="relative mx-auto flex aspect-square w-full max-w-56 items-center justify-center overflow-hidden rounded-lg bg-subtle ring-1 ring-line">
        {job.preview ? (
          <img
            src={job.preview}
            alt=""
            className={failed ? "size-full object-contain" : "size-full object-contain opacity-60"}
          />
        ) : (
          <ImageIcon className="size-8 text-fg-subtle" aria-hidden />
        )}
        {failed ? null : (
          <span className="absolute inset-0 flex items-center justify-center">
            <span className="flex size-10 items-center justify-center rounded-full bg-surface/90 text-accent shadow-sm">
              <Spinner className="size-5" />
            </span>
          </span>
        )}
      </div>
      <div className="min-w-0 space-y-3" aria-live="polite">
        <p className="truncate text-[13px] text-fg-muted" title={job.fileName}>
          {job.fileName}
        </p>
        {body}
      </div>
    </div>
  );
}
