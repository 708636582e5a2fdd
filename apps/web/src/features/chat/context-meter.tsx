import { keepPreviousData } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { cx } from "../../lib/cx";
import { trpc } from "../../lib/trpc";
import { useDebouncedValue } from "../../lib/use-debounced-value";
import { formatCount } from "./format-stats";
import type { ContextInput } from "./types";

/**
 * What the next reply will be sent: the tokens of the system prompt, the history kept and the
 * draft, against the model's window, and how many older messages are left out to fit.
 */
export function ContextMeter({
  base,
  draft,
  enabled,
}: {
  /** The conversation and model, without the draft. */
  base: Omit<ContextInput, "content">;
  draft: string;
  enabled: boolean;
}) {
  const { t, i18n } = useTranslation();
  const content = useDebouncedValue(draft, 400);
  const context = trpc.aiChat.context.useQuery(
    { ...base, content },
    { enabled, placeholderData: keepPreviousData, meta: { errorToast: false } },
  );
  const data = context.data;
  if (!enabled || !data) return <span className="min-h-4" />;
  const dropped = data.droppedIds.filter((id) => id !== "draft").length;
  const share = Math.min(1, data.promptTokens / data.model.contextWindow);
  return (
    <span
      className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-fg-subtle tabular-nums"
      data-testid="chat-context"
      title={t("chat.context.title")}
    >
      <span className="inline-flex items-center gap-1.5">
        <span className="relative h-1.5 w-10 overflow-hidden rounded-full bg-muted" aria-hidden>
          <span
            className={cx(
              "absolute inset-y-0 left-0 rounded-full",
              !data.fits ? "bg-danger" : share > 0.8 ? "bg-warning" : "bg-accent/70",
            )}
            style={{ width: `${Math.max(4, Math.round(share * 100))}%` }}
          />
        </span>
        <span data-testid="chat-context-tokens">
          {t("chat.context.tokens", {
            tokens: formatCount(data.promptTokens, i18n.language),
            window: formatCount(data.model.contextWindow, i18n.language),
          })}
        </span>
      </span>
      {dropped > 0 ? (
        <span className="text-warning" data-testid="chat-context-dropped">
          {t("chat.context.dropped", { count: dropped })}
        </span>
      ) : null}
      {!data.fits ? (
        <span className="text-danger" data-testid="chat-context-too-long">
          {t("chat.context.tooLong")}
        </span>
      ) : null}
    </span>
  );
}
