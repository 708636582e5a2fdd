import { ArrowUp, Square } from "lucide-react";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { cx } from "../../lib/cx";
import { ContextMeter } from "./context-meter";
import { enterToSend } from "./enter-to-send";
import type { ContextInput } from "./types";

/**
 * The message box: Enter sends, Shift+Enter starts a new line. While a reply is being written it
 * is closed and Stop takes Send's place. Keeps its draft when sending fails.
 */
export function Composer({
  unavailable,
  locked,
  streamingId,
  sending,
  stopping,
  maxChars,
  context,
  onSend,
  onStop,
}: {
  /** No provider is configured: nothing can be sent. */
  unavailable: boolean;
  /** Not ready yet (loading), or nothing to send to (a conversation that is gone). */
  locked: boolean;
  /** The reply being written in the branch shown, if any. */
  streamingId: string | null;
  sending: boolean;
  stopping: boolean;
  maxChars: number | undefined;
  context: Omit<ContextInput, "content"> | null;
  onSend: (content: string) => Promise<void>;
  onStop: (messageId: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState("");
  const streaming = streamingId !== null;
  const closed = unavailable || locked || streaming || sending;
  const content = draft.trim();
  const canSend = !closed && content.length > 0;

  const send = () => {
    if (!canSend) return;
    onSend(content).then(
      () => setDraft(""),
      // The failure is a toast; the draft stays to try again.
      () => undefined,
    );
  };

  return (
    <div className="sticky bottom-0 z-10 border-t border-line bg-surface px-3 pt-3 pb-3 sm:px-4 lg:static lg:rounded-b-xl">
      <div
        className={cx(
          "rounded-xl border bg-surface shadow-xs transition-colors",
          closed
            ? "border-line bg-subtle"
            : "border-line-strong/70 focus-within:border-accent focus-within:ring-3 focus-within:ring-accent/20",
        )}
      >
        <label htmlFor={id} className="sr-only">
          {t("chat.composer.label")}
        </label>
        <textarea
          id={id}
          value={draft}
          disabled={closed}
          maxLength={maxChars}
          rows={1}
          placeholder={
            unavailable
              ? t("chat.composer.placeholderUnavailable")
              : streaming
                ? t("chat.composer.placeholderStreaming")
                : t("chat.composer.placeholder")
          }
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={enterToSend(send)}
          className="field-sizing-content block max-h-52 min-h-12 w-full resize-none bg-transparent px-3.5 pt-3 pb-1 text-[15px] leading-6 text-fg placeholder:text-fg-subtle focus:outline-none disabled:cursor-not-allowed"
          data-testid="chat-input"
        />
        <div className="flex items-end justify-between gap-3 px-2.5 pb-2.5">
          <div className="min-w-0 pb-1 pl-1">
            {context ? <ContextMeter base={context} draft={draft} enabled={!unavailable} /> : null}
          </div>
          {streaming ? (
            <Button
              variant="secondary"
              size="sm"
              loading={stopping}
              onClick={() => onStop(streamingId)}
              data-testid="chat-stop"
            >
              {stopping ? null : <Square className="size-3 fill-current" aria-hidden />}
              {t("chat.composer.stop")}
            </Button>
          ) : (
            <Button
              variant="primary"
              size="sm"
              loading={sending}
              disabled={!canSend}
              onClick={send}
              data-testid="chat-send"
            >
              {sending ? null : <ArrowUp className="size-4" aria-hidden />}
              {t("chat.composer.send")}
            </Button>
          )}
        </div>
      </div>
      <p className="mt-1.5 hidden px-1 text-[11px] text-fg-subtle sm:block">
        {t("chat.composer.hint")}
      </p>
    </div>
  );
}
