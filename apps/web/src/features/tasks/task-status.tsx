import { Ban, CircleCheck, CircleX, Clock, OctagonAlert } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import { Spinner } from "../../components/ui/spinner";
import { cx } from "../../lib/cx";
import { STATUS_TONE } from "./task-details";
import type { TaskItem, TaskStatus } from "./types";

const ICONS = {
  queued: Clock,
  succeeded: CircleCheck,
  failed: CircleX,
  canceled: Ban,
  interrupted: OctagonAlert,
} as const;

/** A task's status as a coloured chip; a running task whose stop was asked for says so. */
export function TaskStatusBadge({ task }: { task: Pick<TaskItem, "status" | "cancelRequested"> }) {
  const { t } = useTranslation();
  const { status } = task;
  const stopping = status === "running" && task.cancelRequested;
  return (
    <Badge tone={stopping ? "warning" : STATUS_TONE[status]} data-status={status}>
      {status === "running" ? (
        <Spinner className="size-3" />
      ) : (
        <StatusIcon status={status} className="size-3" />
      )}
      {stopping ? t("tasks.status.stopping") : t(`tasks.status.${status}`)}
    </Badge>
  );
}

function StatusIcon({
  status,
  className,
}: {
  status: Exclude<TaskStatus, "running">;
  className?: string;
}) {
  const Icon = ICONS[status];
  return <Icon className={className} aria-hidden />;
}

/** A progress bar (0–100) with its message, for a task while it runs. */
export function TaskProgress({
  progress,
  message,
  label,
  className,
}: {
  progress: number;
  message: string | null;
  /** What is progressing, for screen readers. */
  label: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const value = Math.max(0, Math.min(100, Math.round(progress)));
  return (
    <div className={cx("space-y-1.5", className)}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={message ? `${value}% · ${message}` : `${value}%`}
        className="h-1.5 overflow-hidden rounded-full bg-muted"
      >
        <div
          className="h-full rounded-full bg-accent transition-[width] duration-500 ease-out"
          style={{ width: `${value}%` }}
        />
      </div>
      <p className="flex justify-between gap-3 text-xs text-fg-muted tabular-nums">
        <span className="min-w-0 truncate">{message ?? t("tasks.row.working")}</span>
        <span className="shrink-0">{t("tasks.row.percent", { value })}</span>
      </p>
    </div>
  );
}
