import { RotateCw } from "lucide-react";
import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";
import { useLiveEvents } from "./live-events-provider";
import type { ConnectionStatus } from "./live-events-provider";

const DOT: Record<ConnectionStatus, string> = {
  online: "bg-success",
  connecting: "bg-warning animate-pulse",
  reconnecting: "bg-warning animate-pulse",
  offline: "bg-danger",
};

/** Live stream state: online, (re)connecting or offline, from the subscription and the browser. */
export function ConnectionIndicator({ className }: { className?: string }) {
  const { t } = useTranslation();
  const { status, stopped, reconnect } = useLiveEvents();
  const hint = stopped ? t("connection.stoppedHint") : t(`connection.${status}Hint`);
  return (
    <div className={cx("flex items-center gap-1", className)}>
      <div
        role="status"
        aria-live="polite"
        data-status={status}
        data-testid="connection-status"
        title={hint}
        className="inline-flex h-7 items-center gap-2 rounded-full border border-line bg-surface px-2.5 text-xs font-medium text-fg-muted"
      >
        <span className="relative flex size-2">
          {status === "online" ? (
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-success opacity-40" />
          ) : null}
          <span className={cx("relative inline-flex size-2 rounded-full", DOT[status])} />
        </span>
        <span>{t(`connection.${status}`)}</span>
        <span className="sr-only">{hint}</span>
      </div>
      {stopped ? (
        <button
          type="button"
          onClick={reconnect}
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
