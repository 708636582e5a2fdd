import { skipToken } from "@tanstack/react-query";
import { ArrowDownToLine, ExternalLink, Sparkles, Square } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { Button, buttonClass } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { trpc } from "../../lib/trpc";
import { cx } from "../../lib/cx";
import { compactMarkdown, ReplyMarkdown } from "../articles/streaming-markdown";
import { ModelPicker } from "../chat/model-picker";
import { ReplyStatus } from "../chat/reply-footer";
import type { ChatProvidersInfo, ModelChoice } from "../chat/types";
import { useChatCache } from "../chat/use-chat-cache";
import { unwrapFence } from "./brief";

/**
 * "Refine with AI": the model rewrites the prompt, streaming into the panel like a chat reply
 * (it is one, in a conversation of its own: reload the page and it carries on). Use refined puts
 * its text in the prompt box; Open as conversation goes on with it in the chat.
 */
export function RefinePanel({
  content,
  providers,
  onUse,
}: {
  content: string;
  providers: ChatProvidersInfo | undefined;
  onUse: (text: string) => void;
}) {
  const { t } = useTranslation();
  const cache = useChatCache();
  const [started, setStarted] = useState<{ conversationId: string; replyId: string } | null>(null);
  const [choice, setChoice] = useState<ModelChoice | null>(null);
  const configured = providers?.configured ?? false;
  const model = choice ?? providers?.defaultModel ?? null;

  const refine = trpc.aiChat.prompts.refine.useMutation({
    onSuccess: (reply) => {
      cache.applyStarted(reply);
      setStarted({ conversationId: reply.conversation.id, replyId: reply.reply.id });
    },
  });
  const stop = trpc.aiChat.stop.useMutation({
    onSuccess: ({ message }) => cache.finishReply(message),
  });
  const detail = trpc.aiChat.conversations.byId.useQuery(
    started ? { id: started.conversationId } : skipToken,
    { meta: { errorToast: false } },
  );
  const reply = started
    ? (detail.data?.messages.find((message) => message.id === started.replyId) ?? null)
    : null;
  const streaming = reply?.status === "streaming";
  const refined = reply && !streaming ? unwrapFence(reply.content) : "";

  return (
    <Card data-testid="prompt-refine">
      <header className="flex flex-wrap items-center gap-2 border-b border-line px-5 py-3">
        <h2 className="flex items-center gap-2 text-sm font-semibold text-fg">
          <Sparkles className="size-4 text-accent" aria-hidden />
          {t("prompts.refine.title")}
        </h2>
        <div className="ml-auto flex min-w-0 items-center gap-2">
          {providers && configured ? (
            <ModelPicker
              className="max-w-[11rem]"
              providers={providers.providers}
              value={model}
              disabled={streaming || refine.isPending}
              onChange={setChoice}
            />
          ) : null}
          {streaming && reply ? (
            <Button
              size="sm"
              loading={stop.isPending}
              onClick={() => stop.mutate({ messageId: reply.id })}
              data-testid="prompt-refine-stop"
            >
              {stop.isPending ? null : <Square className="size-3 fill-current" aria-hidden />}
              {t("chat.composer.stop")}
            </Button>
          ) : (
            <Button
              size="sm"
              variant="primary"
              loading={refine.isPending}
              disabled={!configured || !content.trim() || refine.isPending}
              onClick={() => refine.mutate({ content, ...(choice ?? {}) })}
              data-testid="prompt-refine-start"
            >
              {refine.isPending ? null : <Sparkles className="size-4" aria-hidden />}
              {reply ? t("prompts.refine.again") : t("prompts.refine.start")}
            </Button>
          )}
        </div>
      </header>
      <div className="space-y-3 px-5 py-4">
        {providers && !configured ? (
          <p className="text-[13px] text-fg-muted" data-testid="prompt-refine-unavailable">
            {t("prompts.refine.unavailable")}
            {providers.help ? (
              <span className="mt-1 block text-xs text-fg-subtle">{providers.help}</span>
            ) : null}
          </p>
        ) : !reply ? (
          <p className="text-[13px] text-fg-muted">
            {content.trim() ? t("prompts.refine.hint") : t("prompts.refine.needText")}
          </p>
        ) : (
          <>
            <div
              className={cx(
                "max-h-[26rem] overflow-y-auto rounded-lg border border-line bg-subtle/50 px-4 py-3",
                compactMarkdown,
              )}
              data-testid="prompt-refined"
              data-status={reply.status}
            >
              <ReplyMarkdown message={reply} />
            </div>
            <ReplyStatus message={reply} />
            <div className="flex flex-wrap items-center gap-2">
              <Button
                size="sm"
                variant="primary"
                disabled={streaming || !refined}
                onClick={() => onUse(refined)}
                data-testid="prompt-refine-use"
              >
                <ArrowDownToLine className="size-4" aria-hidden />
                {t("prompts.refine.use")}
              </Button>
              <Link
                to={`/chat/${reply.conversationId}`}
                className={buttonClass({ size: "sm", variant: "ghost" })}
                data-testid="prompt-refine-open"
              >
                <ExternalLink className="size-4" aria-hidden />
                {t("prompts.refine.open")}
              </Link>
            </div>
          </>
        )}
      </div>
    </Card>
  );
}
