import { skipToken } from "@tanstack/react-query";
import {
  ArrowUp,
  Captions,
  ExternalLink,
  FileText,
  PenLine,
  Sparkles,
  Square,
  WandSparkles,
} from "lucide-react";
import { useId, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { toast } from "sonner";

import { Button } from "../../components/ui/button";
import { inputClass } from "../../components/ui/input";
import { Spinner } from "../../components/ui/spinner";
import { cx } from "../../lib/cx";
import { trpc } from "../../lib/trpc";
import { enterToSend } from "../chat/enter-to-send";
import { NoProviderPanel } from "../chat/no-provider-panel";
import { branchTo, leafOf } from "../chat/tree";
import type { StartedReply } from "../chat/types";
import { useChatCache } from "../chat/use-chat-cache";
import { useStickToBottom } from "../chat/use-stick-to-bottom";
import { AssistantReply, AssistantRequest } from "./assistant-message";
import type { Decision, Proposal } from "./assistant-message";
import type { Article } from "./types";

/** A passage selected in the body: offsets into the editor's text, and that text. */
export interface BodySelection {
  start: number;
  end: number;
  text: string;
}

type Action = "chat" | "summarise" | "titles" | "rewrite" | "continue";

function Frame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <aside
      className="flex min-h-0 flex-col overflow-hidden rounded-xl border border-line bg-surface lg:sticky lg:top-20 lg:max-h-[calc(100dvh-7rem)]"
      aria-label={t("articles.assistant.title")}
      data-testid="article-assistant"
    >
      {children}
    </aside>
  );
}

/**
 * The conversation with the assistant about one article: the actions, the replies as they are
 * written, and the proposals to accept or reject. Mounted only when a provider is configured.
 */
function AssistantThread({
  articleId,
  selection,
  prepare,
  onAccepted,
}: {
  articleId: string;
  selection: BodySelection | null;
  prepare: () => Promise<Article | undefined>;
  onAccepted: (version: number) => void;
}) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const cache = useChatCache();
  const askId = useId();
  const { scrollRef, contentRef } = useStickToBottom();
  const [question, setQuestion] = useState("");
  const [instruction, setInstruction] = useState("");
  const [preparing, setPreparing] = useState(false);
  const [deciding, setDeciding] = useState<string | null>(null);

  // The article's conversation says which one it is; its messages are then followed like any
  // chat's (`conversations.byId`), which the reply stream keeps up to date.
  const thread = trpc.aiChat.article.conversation.useQuery(
    { articleId },
    { meta: { errorToast: false } },
  );
  const conversationId = thread.data?.conversation.id ?? null;
  const detail = trpc.aiChat.conversations.byId.useQuery(
    conversationId ? { id: conversationId } : skipToken,
    { initialData: thread.data ?? undefined, meta: { errorToast: false } },
  );
  const conversation = detail.data?.conversation ?? null;
  const messages = useMemo(() => detail.data?.messages ?? [], [detail.data]);
  const branch = useMemo(
    () => branchTo(messages, leafOf(messages, conversation?.currentLeafId ?? null)),
    [messages, conversation],
  );
  const streaming = branch.find((message) => message.status === "streaming") ?? null;

  const started = (reply: StartedReply) => {
    cache.applyStarted(reply);
    utils.aiChat.article.conversation.setData({ articleId }, (old) => ({
      conversation: reply.conversation,
      messages: old?.messages ?? [],
    }));
  };
  const assist = trpc.aiChat.article.assist.useMutation({ onSuccess: started });
  const stop = trpc.aiChat.stop.useMutation({
    onSuccess: ({ message }) => cache.finishReply(message),
  });
  const decide = trpc.aiChat.article.decide.useMutation({
    onSuccess: ({ message, articleVersion }) => {
      cache.finishReply(message);
      if (articleVersion !== null) onAccepted(articleVersion);
    },
    // Decided elsewhere, or the passage changed: the toast says so; show the proposal as it is.
    onError: () => void detail.refetch(),
    onSettled: () => setDeciding(null),
  });

  const busy = streaming !== null || assist.isPending || preparing;

  /** Saves unsaved work first, so the assistant reads what the author sees. */
  const run = async (action: Action, message?: string): Promise<boolean> => {
    const passage = action === "rewrite" ? selection : null;
    setPreparing(true);
    try {
      const article = await prepare();
      if (action === "rewrite") {
        if (!passage || article?.body.slice(passage.start, passage.end) !== passage.text) {
          toast.error(t("articles.assistant.selectionChanged"));
          return false;
        }
      }
      await assist.mutateAsync({
        articleId,
        action,
        ...(message?.trim() ? { message: message.trim() } : {}),
        ...(passage ? { selection: { start: passage.start, end: passage.end } } : {}),
      });
      return true;
    } catch {
      // Shown as a toast by the global handler.
      return false;
    } finally {
      setPreparing(false);
    }
  };

  const ask = () => {
    if (busy || !question.trim()) return;
    void run("chat", question).then((ok) => {
      if (ok) setQuestion("");
    });
  };

  const onDecide = (decision: Decision) => {
    setDeciding(decision.messageId);
    decide.mutate(decision);
  };

  /** A proposal asked for, with the instruction typed (which then clears). */
  const propose = (action: Exclude<Action, "chat">) => {
    void run(action, instruction).then((ok) => {
      if (ok) setInstruction("");
    });
  };

  const actionButton = (
    action: Exclude<Action, "chat">,
    icon: ReactNode,
    label: string,
    disabled = false,
  ) => (
    <Button
      size="sm"
      variant={action === "rewrite" && selection ? "primary" : "secondary"}
      disabled={busy || disabled}
      onClick={() => propose(action)}
      className="justify-start px-2"
      data-testid={`assistant-${action}`}
    >
      {icon}
      {label}
    </Button>
  );

  /** The action each proposal answers, by the id of the request it follows. */
  const actions = new Map<string, Proposal["action"]>();
  for (const message of messages) {
    if (message.proposal && message.parentId)
      actions.set(message.parentId, message.proposal.action);
  }

  return (
    <>
      <div className="space-y-2.5 border-b border-line px-4 py-3">
        <div className="grid grid-cols-2 gap-1.5">
          {actionButton(
            "summarise",
            <FileText className="size-4" aria-hidden />,
            t("articles.assistant.summarise"),
          )}
          {actionButton(
            "titles",
            <Captions className="size-4" aria-hidden />,
            t("articles.assistant.titles"),
          )}
          {actionButton(
            "continue",
            <PenLine className="size-4" aria-hidden />,
            t("articles.assistant.continue"),
          )}
          {actionButton(
            "rewrite",
            <WandSparkles className="size-4" aria-hidden />,
            t("articles.assistant.rewrite"),
            !selection,
          )}
        </div>
        <input
          value={instruction}
          maxLength={4_000}
          onChange={(event) => setInstruction(event.target.value)}
          aria-label={t("articles.assistant.instructionLabel")}
          placeholder={t("articles.assistant.instructionPlaceholder")}
          className={cx(inputClass, "h-8 text-[13px]")}
          data-testid="assistant-instruction"
        />
        <p className="px-0.5 text-xs text-fg-subtle" data-testid="assistant-selection">
          {selection
            ? t("articles.assistant.selected", { count: selection.end - selection.start })
            : t("articles.assistant.selectHint")}
        </p>
      </div>

      <div
        ref={scrollRef}
        className="max-h-[28rem] min-h-40 flex-1 overflow-y-auto lg:max-h-none"
        data-testid="assistant-scroll"
      >
        <div ref={contentRef} className="space-y-4 px-4 py-4">
          {thread.isPending ? (
            <Spinner className="mx-auto size-5 text-fg-subtle" />
          ) : thread.isError || detail.isError ? (
            <p className="text-center text-[13px] text-danger">
              {t("articles.assistant.loadFailed")}
            </p>
          ) : branch.length === 0 ? (
            <p className="text-center text-[13px] text-fg-muted" data-testid="assistant-empty">
              {t("articles.assistant.empty")}
            </p>
          ) : (
            branch.map((message) =>
              message.role === "user" ? (
                <AssistantRequest
                  key={message.id}
                  message={message}
                  action={actions.get(message.id) ?? null}
                />
              ) : (
                <AssistantReply
                  key={message.id}
                  message={message}
                  deciding={deciding === message.id}
                  onDecide={onDecide}
                />
              ),
            )
          )}
        </div>
      </div>

      <div className="border-t border-line p-3">
        <div className="rounded-xl border border-line-strong/70 bg-surface shadow-xs focus-within:border-accent focus-within:ring-3 focus-within:ring-accent/20">
          <label htmlFor={askId} className="sr-only">
            {t("articles.assistant.askLabel")}
          </label>
          <textarea
            id={askId}
            value={question}
            rows={1}
            maxLength={4_000}
            disabled={busy}
            placeholder={t("articles.assistant.askPlaceholder")}
            onChange={(event) => setQuestion(event.target.value)}
            onKeyDown={enterToSend(ask)}
            className="field-sizing-content block max-h-40 min-h-10 w-full resize-none bg-transparent px-3 pt-2.5 pb-1 text-[13px] leading-5 text-fg placeholder:text-fg-subtle focus:outline-none disabled:cursor-not-allowed"
            data-testid="assistant-input"
          />
          <div className="flex items-center justify-between gap-2 px-2 pb-2">
            {conversationId ? (
              <Link
                to={`/chat/${conversationId}`}
                className="inline-flex items-center gap-1 rounded-md px-1.5 py-1 text-xs text-fg-subtle hover:bg-muted hover:text-fg"
                data-testid="assistant-open-chat"
              >
                <ExternalLink className="size-3.5" aria-hidden />
                {t("articles.assistant.openInChat")}
              </Link>
            ) : (
              <span />
            )}
            {streaming ? (
              <Button
                size="sm"
                className="h-7"
                loading={stop.isPending}
                onClick={() => stop.mutate({ messageId: streaming.id })}
                data-testid="assistant-stop"
              >
                {stop.isPending ? null : <Square className="size-3 fill-current" aria-hidden />}
                {t("chat.composer.stop")}
              </Button>
            ) : (
              <Button
                size="sm"
                variant="primary"
                className="h-7"
                loading={preparing || assist.isPending}
                disabled={busy || !question.trim()}
                onClick={ask}
                data-testid="assistant-ask"
              >
                {preparing || assist.isPending ? null : (
                  <ArrowUp className="size-3.5" aria-hidden />
                )}
                {t("articles.assistant.ask")}
              </Button>
            )}
          </div>
        </div>
      </div>
    </>
  );
}

/**
 * The assistant beside the article editor: ask about the article, or have it propose a summary,
 * titles, a rewrite of the selected passage or what comes next; an accepted proposal is a new
 * revision, which the editor takes like any change made elsewhere. Without an AI provider it
 * says so, as the chat page does.
 */
export function ArticleAssistant({
  articleId,
  selection,
  prepare,
  onAccepted,
}: {
  articleId: string;
  selection: BodySelection | null;
  prepare: () => Promise<Article | undefined>;
  onAccepted: (version: number) => void;
}) {
  const { t } = useTranslation();
  const providers = trpc.aiChat.providers.useQuery(undefined, {
    staleTime: 60_000,
    meta: { errorToast: false },
  });
  return (
    <Frame>
      <h2 className="flex items-center gap-2 border-b border-line px-4 py-3 text-sm font-semibold">
        <Sparkles className="size-4 text-accent" aria-hidden />
        {t("articles.assistant.title")}
      </h2>
      {providers.isPending ? (
        <Spinner className="mx-auto my-8 size-5 text-fg-subtle" />
      ) : providers.isError ? (
        <p className="px-4 py-6 text-center text-[13px] text-danger">{t("chat.providersFailed")}</p>
      ) : !providers.data.configured ? (
        <div className="overflow-y-auto [&>div]:px-4 [&>div]:py-6">
          <NoProviderPanel help={providers.data.help} />
        </div>
      ) : (
        <AssistantThread
          articleId={articleId}
          selection={selection}
          prepare={prepare}
          onAccepted={onAccepted}
        />
      )}
    </Frame>
  );
}
