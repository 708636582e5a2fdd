import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import { Spinner } from "../../components/ui/spinner";
import { formatCost, formatCount, formatMs } from "./format-stats";
import type { ChatMessage } from "./types";

/** A reply's state when it is not simply complete: writing, stopped, interrupted or failed. */
export function ReplyStatus({ message }: { message: ChatMessage }) {
  const { t } = useTranslation();
  if (message.status === "completed") return null;
  if (message.status === "streaming") {
    return (
      <span
        className="inline-flex items-center gap-1.5 text-xs font-medium text-accent"
        data-testid="reply-status"
        data-status="streaming"
      >
        <Spinner className="size-3.5" />
        {t("chat.status.streaming")}
      </span>
    );
  }
  const tone = message.status === "failed" ? "danger" : "warning";
  return (
    <span className="inline-flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
      <Badge tone={tone} data-testid="reply-status" data-status={message.status}>
        {t(`chat.status.${message.status}`)}
      </Badge>
      {message.status === "failed" && message.error ? (
        <span className="text-xs text-danger" data-testid="reply-error">
          {message.error.message}
        </span>
      ) : message.status === "interrupted" ? (
        <span className="text-xs text-fg-muted">{t("chat.status.interruptedHint")}</span>
      ) : null}
    </span>
  );
}

/** What a finished reply cost: model, tokens in and out, time to first token, duration, cost. */
export function ReplyStats({ message }: { message: ChatMessage }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  if (message.status === "streaming") return null;
  const parts: { key: string; text: string; label: string }[] = [];
  if (message.model)
    parts.push({ key: "model", text: message.model, label: t("chat.stats.model") });
  if (message.inputTokens !== null || message.outputTokens !== null) {
    parts.push({
      key: "tokens",
      text: t("chat.stats.tokens", {
        input: formatCount(message.inputTokens ?? 0, language),
        output: formatCount(message.outputTokens ?? 0, language),
      }),
      label: t("chat.stats.tokensLabel"),
    });
  }
  if (message.ttftMs !== null) {
    parts.push({
      key: "ttft",
      text: t("chat.stats.ttft", { time: formatMs(message.ttftMs, language) }),
      label: t("chat.stats.ttftLabel"),
    });
  }
  if (message.durationMs !== null) {
    parts.push({
      key: "duration",
      text: t("chat.stats.duration", { time: formatMs(message.durationMs, language) }),
      label: t("chat.stats.durationLabel"),
    });
  }
  if (message.cost !== null) {
    parts.push({
      key: "cost",
      text: t("chat.stats.cost", { cost: formatCost(message.cost, language) }),
      label: t("chat.stats.costLabel"),
    });
  }
  if (parts.length === 0) return null;
  return (
    <p
      className="flex flex-wrap items-center gap-x-3 gap-y-0.5 text-xs text-fg-subtle tabular-nums"
      data-testid="reply-stats"
    >
      {parts.map((part) => (
        <span key={part.key} title={part.label} data-stat={part.key}>
          {part.text}
        </span>
      ))}
    </p>
  );
}
