import { ArrowUpRight, CircleCheck } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { Alert } from "../../components/ui/alert";
import { buttonClass } from "../../components/ui/button";
import { formatDuration } from "../../lib/format";
import { ConnectionBadge } from "../live-events/connection-indicator";
import { batchSummaryOf, rowIssuesOf } from "../tasks/task-details";
import type { RowIssues } from "../tasks/task-details";
import { FileDownload } from "../tasks/task-files-view";
import { splitTaskFiles, taskFilesOf } from "../tasks/task-files";
import { TaskProgress, TaskStatusBadge } from "../tasks/task-status";
import type { WatchedTask } from "../tasks/use-watched-task";
import { fieldLabel } from "./labels";

/** Refused rows, one line per problem: "Row 3 · Quote: Required". */
function RowIssueList({ issues }: { issues: RowIssues }) {
  const { t } = useTranslation();
  const listed = new Set(issues.issues.map((issue) => issue.row)).size;
  return (
    <div className="space-y-1.5" data-testid="batch-row-issues">
      <ul className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-line bg-surface p-2 text-[13px]">
        {issues.issues.map((issue, index) => (
          <li key={index} className="flex gap-2">
            <span className="shrink-0 font-medium text-fg tabular-nums">
              {t("studio.batch.row", { row: issue.row })}
            </span>
            <span className="min-w-0 text-fg-muted">
              {issue.field ? (
                <span className="font-medium text-fg">{fieldLabel(t, issue.field)}: </span>
              ) : null}
              {issue.message}
            </span>
          </li>
        ))}
      </ul>
      {issues.total > listed ? (
        <p className="text-xs opacity-80">
          {t("studio.batch.moreRows", { count: issues.total - listed })}
        </p>
      ) : null}
    </div>
  );
}

/** A batch after it was sent: its progress live, then its zip (or why it failed). */
export function BatchWatch({ watched }: { watched: WatchedTask }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? "en";
  const { task, queue, failureDetails, live } = watched;
  if (!task) return null;
  const { archives } = splitTaskFiles(taskFilesOf(task.output));
  const { cards } = batchSummaryOf(task);
  const warnings = Array.isArray(task.output?.["warnings"]) ? task.output["warnings"].length : 0;
  const rowIssues = rowIssuesOf(failureDetails, t);

  return (
    <div className="space-y-4" data-testid="batch-watch" data-status={task.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <TaskStatusBadge task={task} />
        <ConnectionBadge
          status={live.status}
          stopped={live.stopped}
          onReconnect={live.reconnect}
          label={t("tasks.liveLabel")}
          testId="batch-connection"
        />
      </div>

      {task.status === "running" ? (
        <TaskProgress
          progress={task.progress}
          message={task.progressMessage}
          label={t("studio.batch.progressLabel")}
        />
      ) : null}
      {task.status === "queued" ? (
        <p className="text-[13px] text-fg-muted" data-testid="batch-queue">
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
        <div className="flex items-start gap-3 rounded-lg border border-success/25 bg-success-soft px-3 py-3">
          <CircleCheck className="mt-0.5 size-5 shrink-0 text-success" aria-hidden />
          <div className="min-w-0 flex-1 space-y-2.5">
            <div>
              <p className="text-sm font-medium text-fg" data-testid="batch-done">
                {t("studio.batch.done", { count: cards ?? 0 })}
              </p>
              {warnings > 0 ? (
                <p className="text-[13px] text-fg-muted">
                  {t("studio.batch.warnings", { count: warnings })}
                </p>
              ) : null}
            </div>
            <div className="flex flex-wrap gap-2">
              {archives.map((file) => (
                <FileDownload
                  key={file.name}
                  file={file}
                  variant="primary"
                  testId="batch-download"
                />
              ))}
            </div>
          </div>
        </div>
      ) : null}

      {task.status === "failed" && task.error ? (
        <Alert tone="danger" title={t("studio.batch.failed")}>
          <div className="space-y-2">
            <p className="break-words" data-testid="batch-error">
              {rowIssues
                ? t("studio.batch.rowsRefused", { count: rowIssues.total })
                : task.error.message}
            </p>
            {rowIssues ? <RowIssueList issues={rowIssues} /> : null}
          </div>
        </Alert>
      ) : null}
      {task.status === "canceled" ? (
        <p className="text-[13px] text-fg-muted">{t("studio.batch.canceled")}</p>
      ) : null}
      {task.status === "interrupted" ? (
        <p className="text-[13px] text-fg-muted">{t("tasks.row.interrupted")}</p>
      ) : null}

      <div className="flex flex-wrap items-center justify-between gap-2 text-[13px] text-fg-muted">
        <p className="min-w-0">
          {task.status === "queued" || task.status === "running"
            ? t("studio.batch.keepsRunning")
            : null}
        </p>
        <Link
          to="/tasks"
          className={buttonClass({ variant: "ghost", size: "sm" })}
          data-testid="batch-open-tasks"
        >
          {t("studio.batch.openTasks")}
          <ArrowUpRight className="size-4" aria-hidden />
        </Link>
      </div>
    </div>
  );
}
