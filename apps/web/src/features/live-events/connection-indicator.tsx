import { RotateCw } from "lucide-react";
import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";
import type { ConnectionStatus } from "./connection-status";
import { useLiveEvents } from "./live-events-provider";

const DOT: Record<ConnectionStatus, string> = {
  online: "bg-success",
  connecting: "bg-warning animate-pulse",
  reconnecting: "bg-warning animate-pulse",
  offline: "bg-danger",
};

/**
 * A live stream's state as a small pill: online, (re)connecting or offline, with a reconnect
 * button once the stream has given up. `label` names the stream for screen readers and tooltips.
 */
export function ConnectionBadge({
  status,
  stopped,
  onReconnect,
  label,
  texts,
  className,
  testId = "connection-status",
}: {
  status: ConnectionStatus;
  stopped: boolean;
  onReconnect: () => void;
  label?: string;
  /** Words to show instead of the usual ones, per state (e.g. "Live updates"). */
  texts?: Partial<Record<ConnectionStatus, string>>;
  className?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const hint = stopped ? t("connection.stoppedHint") : t(`connection.${status}Hint`);
  const title = label ? `${label}: ${hint}` : hint;
  return (
    <div className={cx("flex items-center gap-1", className)}>
      <div
        role="status"
        aria-live="polite"
        data-status={status}
        data-testid={testId}
        title={title}
        className="inline-flex h-7 items-center gap-2 rounded-full border border-line bg-surface px-2.5 text-xs font-medium whitespace-nowrap text-fg-muted"
      >
        <span className="relative flex size-2">
          {status === "online" ? (
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-success opacity-40" />
          ) : null}
          <span className={cx("relative inline-flex size-2 rounded-full", DOT[status])} />
        </span>
        <span>{texts?.[status] ?? t(`connection.${status}`)}</span>
        <span className="sr-only">{title}</span>
      </div>
      {stopped ? (
        <button
          type="button"
          onClick={onReconnect}
          title={t("connection.reconnect")}
          aria-label={t("connection.reconnect")}
          className="rounded-md p-1.5 text-fg-muted hover:bg-muted hover:text-fg"
        >
          <RotateCw className="size-3.5" aria-hidden />
        </button>
      ) : null}
    </div>
  );
}

/** The app-wide event stream's state, in the top bar. */
export function ConnectionIndicator({ className }: { className?: string }) {
  const { status, stopped, reconnect } = useLiveEvents();
  return (
    <ConnectionBadge
      status={status}
      stopped={stopped}
      onReconnect={reconnect}
      className={className}
    />
  );
}
