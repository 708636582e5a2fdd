import { skipToken } from "@tanstack/react-query";
import { MessageSquareDashed, MessagesSquare, SlidersHorizontal } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { buttonClass } from "../../components/ui/button";
import { Card } from "../../components/ui/card";
import { EmptyState } from "../../components/ui/empty-state";
import { Skeleton } from "../../components/ui/skeleton";
import { readApiFailure } from "../../lib/errors";
import { cx } from "../../lib/cx";
import { trpc } from "../../lib/trpc";
import { failureMessage } from "../errors/notify-error";
import { takePendingSystemPrompt } from "../prompts/handoff";
import type { Versions } from "./branch-switcher";
import { Composer } from "./composer";
import { MessageItem } from "./message-item";
import type { MessageActions } from "./message-item";
import { ModelPicker } from "./model-picker";
import { NoProviderPanel } from "./no-provider-panel";
import { SystemPromptEditor } from "./system-prompt-editor";
import { branchTo, leafOf, newestLeafUnder, siblingsOf } from "./tree";
import type { ChatMessage, ChatProvidersInfo, ModelChoice } from "./types";
import { useChatCache } from "./use-chat-cache";
import { useStickToBottom } from "./use-stick-to-bottom";

function versionsOf(messages: ChatMessage[], message: ChatMessage): Versions | null {
  const siblings = siblingsOf(messages, message);
  if (siblings.length < 2) return null;
  const index = siblings.findIndex((m) => m.id === message.id);
  return {
    index,
    count: siblings.length,
    previousId: siblings[index - 1]?.id ?? null,
    nextId: siblings[index + 1]?.id ?? null,
  };
}

function MessagesSkeleton() {
  return (
    <div className="space-y-6" aria-busy data-testid="chat-loading">
      <Skeleton className="ml-auto h-10 w-2/5 rounded-2xl" />
      <div className="space-y-2">
        <Skeleton className="h-4 w-4/5" />
        <Skeleton className="h-4 w-3/5" />
        <Skeleton className="h-4 w-2/3" />
      </div>
    </div>
  );
}

/**
 * One conversation (or a new one when `conversationId` is null): the branch shown, the model and
 * system prompt, and the composer. Mount it keyed by the conversation id.
 */
export function ConversationView({
  conversationId,
  providers,
}: {
  conversationId: string | null;
  providers: ChatProvidersInfo | undefined;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const cache = useChatCache();
  const [newChoice, setNewChoice] = useState<ModelChoice | null>(null);
  // A new chat takes the system prompt the prompt library handed over, once.
  const [newSystemPrompt, setNewSystemPrompt] = useState(() =>
    conversationId ? "" : takePendingSystemPrompt(),
  );
  const [settingsOpen, setSettingsOpen] = useState(newSystemPrompt !== "");

  const detail = trpc.aiChat.conversations.byId.useQuery(
    conversationId ? { id: conversationId } : skipToken,
    { meta: { errorToast: false } },
  );
  const conversation = detail.data?.conversation ?? null;
  const messages = useMemo(() => detail.data?.messages ?? [], [detail.data]);
  const leafId = leafOf(messages, conversation?.currentLeafId ?? null);
  const branch = useMemo(() => branchTo(messages, leafId), [messages, leafId]);
  const { scrollRef, contentRef } = useStickToBottom(branch.length > 0);
  const streaming = branch.find((message) => message.status === "streaming") ?? null;

  const configured = providers?.configured ?? false;
  const choice: ModelChoice | null = conversation
    ? { providerId: conversation.providerId, model: conversation.model }
    : (newChoice ?? providers?.defaultModel ?? null);
  const systemPrompt = conversation ? conversation.systemPrompt : newSystemPrompt;

  const send = trpc.aiChat.send.useMutation({
    onSuccess: (started) => {
      cache.applyStarted(started);
      if (!conversationId) void navigate(`/chat/${started.conversation.id}`);
    },
  });
  const edit = trpc.aiChat.edit.useMutation({ onSuccess: cache.applyStarted });
  const regenerate = trpc.aiChat.regenerate.useMutation({ onSuccess: cache.applyStarted });
  const resume = trpc.aiChat.continue.useMutation({ onSuccess: cache.applyStarted });
  const stop = trpc.aiChat.stop.useMutation({
    onSuccess: ({ message }) => cache.finishReply(message),
  });
  const update = trpc.aiChat.conversations.update.useMutation({
    onSuccess: (updated) => cache.setConversation(updated),
    onError: () => {
      if (conversationId) void detail.refetch();
    },
  });

  const busy =
    !configured ||
    streaming !== null ||
    send.isPending ||
    edit.isPending ||
    regenerate.isPending ||
    resume.isPending;

  const { mutate: updateConversation } = update;
  const { mutate: regenerateReply } = regenerate;
  const { mutate: continueReply } = resume;
  const { mutateAsync: editMessage } = edit;
  const actions = useMemo<MessageActions>(
    () => ({
      busy,
      onSwitch: (messageId) => {
        if (!conversationId) return;
        const leaf = newestLeafUnder(messages, messageId);
        cache.setLeaf(conversationId, leaf);
        updateConversation({ id: conversationId, currentLeafId: leaf });
      },
      onRegenerate: (messageId) => regenerateReply({ messageId }),
      onContinue: (messageId) => continueReply({ messageId }),
      onEdit: async (messageId, content) => {
        await editMessage({ messageId, content });
      },
    }),
    [
      busy,
      conversationId,
      messages,
      cache,
      updateConversation,
      regenerateReply,
      continueReply,
      editMessage,
    ],
  );

  const onSend = async (content: string) => {
    await send.mutateAsync(
      conversationId
        ? { conversationId, parentId: leafId, content }
        : {
            content,
            ...(choice ?? {}),
            ...(newSystemPrompt.trim() ? { systemPrompt: newSystemPrompt } : {}),
          },
    );
  };

  const contextBase = !configured
    ? null
    : conversationId
      ? conversation
        ? {
            conversationId,
            parentId: leafId,
            providerId: conversation.providerId,
            model: conversation.model,
          }
        : null
      : {
          ...(choice ?? {}),
          ...(newSystemPrompt.trim() ? { systemPrompt: newSystemPrompt } : {}),
        };

  const notFound = detail.isError;
  const title = conversationId ? (conversation?.title ?? "") : t("chat.newChat");

  let body;
  const loading = conversationId !== null && detail.isPending;
  if (providers && !configured && branch.length === 0 && !loading) {
    body = <NoProviderPanel help={providers.help} />;
  } else if (notFound) {
    const failure = readApiFailure(detail.error);
    body = (
      <EmptyState
        icon={MessageSquareDashed}
        title={
          failure.code === "NOT_FOUND" || failure.code === "VALIDATION"
            ? t("chat.notFound")
            : failureMessage(failure)
        }
        action={
          <Link to="/chat" className={buttonClass({ size: "sm" })}>
            {t("chat.newChat")}
          </Link>
        }
      />
    );
  } else if (loading) {
    body = <MessagesSkeleton />;
  } else if (branch.length === 0) {
    body = (
      <EmptyState
        compact
        icon={MessagesSquare}
        title={t("chat.empty.title")}
        hint={t("chat.empty.hint")}
      />
    );
  } else {
    body = (
      <div className="space-y-7" data-testid="chat-messages">
        {branch.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            versions={versionsOf(messages, message)}
            actions={actions}
          />
        ))}
      </div>
    );
  }

  return (
    <Card
      className="flex min-h-[60dvh] min-w-0 flex-col p-0 lg:min-h-0 lg:overflow-hidden"
      data-testid="chat-main"
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-line px-4 py-2.5">
        <h1
          className="w-full min-w-0 truncate text-[15px] font-semibold text-fg sm:w-auto sm:flex-1"
          data-testid="chat-title"
        >
          {title || "\u00a0"}
        </h1>
        {providers && configured ? (
          <div className="flex w-full min-w-0 items-center gap-1.5 sm:ml-auto sm:w-auto">
            <ModelPicker
              className="flex-1 sm:flex-none"
              providers={providers.providers}
              value={choice}
              disabled={update.isPending || notFound || (conversationId !== null && !conversation)}
              onChange={(next) => {
                if (conversationId) {
                  updateConversation({ id: conversationId, ...next });
                } else {
                  setNewChoice(next);
                }
              }}
            />
            <button
              type="button"
              onClick={() => setSettingsOpen((value) => !value)}
              aria-expanded={settingsOpen}
              className={cx(
                buttonClass({ variant: "ghost", size: "sm" }),
                settingsOpen && "bg-muted text-fg",
              )}
              data-testid="chat-system-prompt-toggle"
            >
              <SlidersHorizontal className="size-4" aria-hidden />
              <span className="hidden sm:inline">{t("chat.systemPrompt.label")}</span>
              {systemPrompt.trim() ? (
                <span
                  className="size-1.5 rounded-full bg-accent"
                  aria-label={t("chat.systemPrompt.set")}
                />
              ) : null}
            </button>
          </div>
        ) : null}
      </header>
      {settingsOpen && configured && !notFound && (conversation || !conversationId) ? (
        conversation ? (
          <SystemPromptEditor
            key={conversation.systemPrompt}
            value={conversation.systemPrompt}
            maxChars={providers?.limits?.maxSystemPromptChars}
            disabled={false}
            saving={update.isPending}
            onSave={(value) => updateConversation({ id: conversation.id, systemPrompt: value })}
          />
        ) : (
          <SystemPromptEditor
            value={newSystemPrompt}
            maxChars={providers?.limits?.maxSystemPromptChars}
            disabled={false}
            onChange={setNewSystemPrompt}
          />
        )
      ) : null}
      <div
        ref={scrollRef}
        className="flex min-h-0 flex-1 flex-col lg:overflow-y-auto"
        data-testid="chat-scroll"
      >
        <div ref={contentRef} className="flex flex-1 flex-col px-4 py-6 sm:px-6">
          <div className={cx("w-full", branch.length === 0 && "m-auto")}>{body}</div>
        </div>
      </div>
      <Composer
        unavailable={providers !== undefined && !configured}
        locked={!providers || loading || notFound}
        streamingId={streaming?.id ?? null}
        sending={send.isPending}
        stopping={stop.isPending}
        maxChars={providers?.limits?.maxMessageChars}
        context={contextBase}
        onSend={onSend}
        onStop={(messageId) => stop.mutate({ messageId })}
      />
    </Card>
  );
}
