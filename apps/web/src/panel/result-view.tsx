import { useTranslation } from "react-i18next";

import { Badge } from "../components/ui/badge";
import { CopyButton } from "../components/ui/copy-button";
import { Spinner } from "../components/ui/spinner";
import { cx } from "../lib/cx";
import { formatJson } from "./form-value";
import type { ErrorView } from "./panel-client";
import { codeBlockClass } from "./ui";
import type { CallState, StreamState, StreamStatus } from "./use-procedure-runner";

function formatDuration(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** The API's error envelope: code, message, details and the request id to quote. */
export function ErrorEnvelopeView({ error }: { error: ErrorView }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  const hasDetails = error.details !== null && error.details !== undefined;
  return (
    <div
      role="alert"
      data-testid="panel-error"
      className="space-y-3 rounded-lg border border-danger/30 bg-danger-soft p-3 text-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span
          className="rounded-md bg-danger px-1.5 py-0.5 font-mono text-xs font-semibold text-white"
          data-testid="panel-error-code"
        >
          {error.code}
        </span>
        {error.httpStatus !== null ? (
          <span className="font-mono text-xs text-danger">HTTP {error.httpStatus}</span>
        ) : null}
        <span className="font-medium text-fg">{error.message}</span>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
        <dt className="text-fg-muted">{t("error.requestId")}</dt>
        <dd className="font-mono break-all text-fg" data-testid="panel-error-request-id">
          {error.requestId ?? "—"}
        </dd>
      </dl>
      {hasDetails ? (
        <div className="space-y-1">
          <p className="text-xs font-medium text-fg-muted">{t("error.details")}</p>
          <pre className={cx(codeBlockClass, "bg-surface")}>{formatJson(error.details)}</pre>
        </div>
      ) : null}
    </div>
  );
}

function Idle({ text }: { text: string }) {
  return <p className="text-sm text-fg-subtle">{text}</p>;
}

export function CallResultView({ call }: { call: CallState }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  if (call.status === "idle") return <Idle text={t("result.idle")} />;
  if (call.status === "running") {
    return (
      <p className="flex items-center gap-2 text-sm text-fg-muted">
        <Spinner className="size-4" />
        {t("result.running")}
      </p>
    );
  }
  const duration = t("result.duration", { ms: formatDuration(call.durationMs) });
  if (call.status === "error") {
    return (
      <div className="space-y-3" data-testid="panel-result" data-status="error">
        <div className="flex items-center gap-2 text-xs text-fg-muted">
          <Badge tone="danger">{t("result.failed")}</Badge>
          <span data-testid="panel-duration">{duration}</span>
        </div>
        <ErrorEnvelopeView error={call.error} />
      </div>
    );
  }
  const text = formatJson(call.data);
  return (
    <div className="space-y-3" data-testid="panel-result" data-status="success">
      <div className="flex items-center justify-between gap-2">
        <div className="flex items-center gap-2 text-xs text-fg-muted">
          <Badge tone="success">{t("result.ok")}</Badge>
          <span data-testid="panel-duration">{duration}</span>
        </div>
        <CopyButton value={text} size="sm" variant="ghost" />
      </div>
      <pre className={codeBlockClass} data-testid="panel-result-json">
        {text}
      </pre>
    </div>
  );
}

const STATUS_TONES: Record<StreamStatus, "neutral" | "success" | "warning" | "danger"> = {
  connecting: "neutral",
  reconnecting: "warning",
  live: "success",
  stopped: "neutral",
  completed: "neutral",
  failed: "danger",
};

/** A subscription's events as they arrive, newest first, each with its tracked id. */
export function StreamView({ stream }: { stream: StreamState | null }) {
  const { t } = useTranslation(undefined, { keyPrefix: "panel" });
  if (!stream) return <Idle text={t("stream.idle")} />;
  const total = stream.events[0]?.seq ?? 0;
  return (
    <div className="space-y-3" data-testid="panel-stream" data-status={stream.status}>
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <Badge tone={STATUS_TONES[stream.status]}>
          {stream.status === "live" ? (
            <span className="size-1.5 animate-pulse rounded-full bg-success" aria-hidden />
          ) : null}
          {t(`stream.status.${stream.status}`)}
        </Badge>
        <span className="text-fg-muted">{t("stream.count", { count: total })}</span>
      </div>
      {stream.error ? <ErrorEnvelopeView error={stream.error} /> : null}
      {stream.events.length === 0 ? (
        <Idle text={t("stream.waiting")} />
      ) : (
        <ol className="max-h-[32rem] space-y-2 overflow-auto">
          {stream.events.map((event) => (
            <li
              key={event.seq}
              data-testid="panel-stream-event"
              className="animate-fade-in rounded-lg border border-line"
            >
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-line bg-subtle px-3 py-1.5 text-[11px] text-fg-muted">
                <span className="font-mono">#{event.seq}</span>
                <span>
                  {t("stream.trackedId")}{" "}
                  <span className="font-mono text-fg" data-testid="panel-stream-event-id">
                    {event.trackedId ?? "—"}
                  </span>
                </span>
                <span className="ml-auto font-mono">+{formatDuration(event.atMs)} ms</span>
              </div>
              <pre className="overflow-auto p-3 font-mono text-xs text-fg">
                {formatJson(event.data)}
              </pre>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
