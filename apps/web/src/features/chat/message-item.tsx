import { Bot, Pencil, Play, RefreshCw } from "lucide-react";
import { memo, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/button";
import { CopyButton } from "../../components/ui/copy-button";
import { cx } from "../../lib/cx";
import { MarkdownView } from "../articles/markdown-view";
import { BranchSwitcher } from "./branch-switcher";
import type { Versions } from "./branch-switcher";
import { MessageEditor } from "./message-editor";
import { ReplyStats, ReplyStatus } from "./reply-footer";
import type { ChatMessage } from "./types";
import { useReplyStream } from "./use-reply-stream";

export interface MessageActions {
  /** A reply is being written, or no provider is configured: nothing new can start. */
  busy: boolean;
  onSwitch: (messageId: string) => void;
  onRegenerate: (messageId: string) => void;
  onContinue: (messageId: string) => void;
  /** Sends the edit as a new branch; resolves once it started. */
  onEdit: (messageId: string, content: string) => Promise<void>;
}

const CONTINUABLE = new Set(["stopped", "interrupted", "failed"]);

/** The reply being written, as it arrives. */
function LiveReply({ message }: { message: ChatMessage }) {
  const { t } = useTranslation();
  const text = useReplyStream(message);
  if (!text) {
    return (
      <p
        className="flex items-center gap-1 py-1.5 text-sm text-fg-subtle"
        data-testid="reply-waiting"
      >
        <span className="sr-only">{t("chat.status.waiting")}</span>
        {[0, 150, 300].map((delay) => (
          <span
            key={delay}
            aria-hidden
            className="size-1.5 animate-pulse rounded-full bg-fg-subtle"
            style={{ animationDelay: `${delay}ms` }}
          />
        ))}
      </p>
    );
  }
  return <MarkdownView source={text} />;
}

function AssistantMessage({
  message,
  versions,
  actions,
}: {
  message: ChatMessage;
  versions: Versions | null;
  actions: MessageActions;
}) {
  const { t } = useTranslation();
  const streaming = message.status === "streaming";
  return (
    <article
      className="relative flex gap-3"
      data-testid="chat-message"
      data-role="assistant"
      data-status={message.status}
      data-message-id={message.id}
    >
      <div
        className="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full border border-line bg-subtle text-fg-muted"
        aria-hidden
      >
        <Bot className="size-4" />
      </div>
      <div className="min-w-0 flex-1 space-y-2">
        <h3 className="sr-only">{t("chat.message.assistant")}</h3>
        <div data-testid="chat-reply-text">
          {streaming ? (
            <LiveReply key={message.id} message={message} />
          ) : message.content ? (
            <MarkdownView source={message.content} />
          ) : (
            <p className="text-sm text-fg-subtle italic">{t("chat.message.noText")}</p>
          )}
        </div>
        <ReplyStatus message={message} />
        <div className="flex flex-wrap items-center gap-x-1 gap-y-1">
          {versions ? (
            <BranchSwitcher versions={versions} disabled={streaming} onSwitch={actions.onSwitch} />
          ) : null}
          {!streaming ? (
            <>
              {message.content ? (
                <CopyButton
                  value={message.content}
                  variant="ghost"
                  size="sm"
                  className="h-7 px-2"
                  data-testid="reply-copy"
                />
              ) : null}
              <Button
                variant="ghost"
                size="sm"
                className="h-7 px-2"
                disabled={actions.busy}
                onClick={() => actions.onRegenerate(message.id)}
                data-testid="reply-regenerate"
              >
                <RefreshCw className="size-3.5" aria-hidden />
                {t("chat.message.regenerate")}
              </Button>
              {CONTINUABLE.has(message.status) ? (
                <Button
                  variant="ghost"
                  size="sm"
                  className="h-7 px-2 text-accent"
                  disabled={actions.busy}
                  onClick={() => actions.onContinue(message.id)}
                  data-testid="reply-continue"
                >
                  <Play className="size-3.5" aria-hidden />
                  {t("chat.message.continue")}
                </Button>
              ) : null}
            </>
          ) : null}
          <div className="ml-auto">
            <ReplyStats message={message} />
          </div>
        </div>
      </div>
    </article>
  );
}

function UserMessage({
  message,
  versions,
  actions,
}: {
  message: ChatMessage;
  versions: Versions | null;
  actions: MessageActions;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  return (
    <article
      className="relative flex flex-col items-end gap-1"
      data-testid="chat-message"
      data-role="user"
      data-message-id={message.id}
    >
      <h3 className="sr-only">{t("chat.message.you")}</h3>
      {editing ? (
        <MessageEditor
          initial={message.content}
          disabled={actions.busy}
          onCancel={() => setEditing(false)}
          onSubmit={async (content) => {
            await actions.onEdit(message.id, content);
            setEditing(false);
          }}
        />
      ) : (
        <div
          className={cx(
            "max-w-[85%] rounded-2xl rounded-br-md bg-accent-soft px-4 py-2.5 text-[15px] leading-6 text-fg",
            "whitespace-pre-wrap [overflow-wrap:anywhere]",
          )}
          data-testid="chat-user-text"
        >
          {message.content}
        </div>
      )}
      {editing ? null : (
        <div className="flex flex-wrap items-center justify-end gap-1">
          {versions ? (
            <BranchSwitcher versions={versions} disabled={false} onSwitch={actions.onSwitch} />
          ) : null}
          <Button
            variant="ghost"
            size="sm"
            className="h-7 px-2"
            disabled={actions.busy}
            onClick={() => setEditing(true)}
            data-testid="message-edit"
          >
            <Pencil className="size-3.5" aria-hidden />
            {t("chat.message.edit")}
          </Button>
          <CopyButton value={message.content} variant="ghost" size="sm" className="h-7 px-2" />
        </div>
      )}
    </article>
  );
}

/** One message of the branch shown, with what can be done with it. */
export const MessageItem = memo(function MessageItem({
  message,
  versions,
  actions,
}: {
  message: ChatMessage;
  versions: Versions | null;
  actions: MessageActions;
}) {
  return message.role === "user" ? (
    <UserMessage message={message} versions={versions} actions={actions} />
  ) : (
    <AssistantMessage message={message} versions={versions} actions={actions} />
  );
});
