import { Bot, Check, Sparkles, X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Badge } from "../../components/ui/badge";
import { Button } from "../../components/ui/button";
import { CopyButton } from "../../components/ui/copy-button";
import { ReplyStatus } from "../chat/reply-footer";
import type { ChatMessage } from "../chat/types";
import { titleOptions } from "./assistant-proposals";
import { compactMarkdown, ReplyMarkdown } from "./streaming-markdown";

export type Proposal = NonNullable<ChatMessage["proposal"]>;

export interface Decision {
  messageId: string;
  decision: "accept" | "reject";
  choice?: string;
}

/** What the author asked: the question, or the action a proposal answers. */
export function AssistantRequest({
  message,
  action,
}: {
  message: ChatMessage;
  action: Proposal["action"] | null;
}) {
  const { t } = useTranslation();
  return (
    <div className="flex justify-end" data-testid="assistant-message" data-role="user">
      <p className="max-w-[90%] rounded-2xl rounded-br-md bg-accent-soft px-3 py-2 text-[13px] leading-5 whitespace-pre-wrap text-fg [overflow-wrap:anywhere]">
        {action ? (
          <span className="inline-flex items-center gap-1.5 font-medium">
            <Sparkles className="size-3.5 shrink-0 text-accent" aria-hidden />
            {t(`articles.assistant.asked.${action}`)}
          </span>
        ) : (
          message.content
        )}
      </p>
    </div>
  );
}

/** Accept or reject a finished proposal; for titles, one button per suggestion. */
function ProposalActions({
  message,
  proposal,
  deciding,
  onDecide,
}: {
  message: ChatMessage;
  proposal: Proposal;
  deciding: boolean;
  onDecide: (decision: Decision) => void;
}) {
  const { t } = useTranslation();
  const reject = (
    <Button
      size="sm"
      variant="ghost"
      className="h-7 px-2"
      disabled={deciding}
      onClick={() => onDecide({ messageId: message.id, decision: "reject" })}
      data-testid="proposal-reject"
    >
      <X className="size-3.5" aria-hidden />
      {proposal.action === "titles"
        ? t("articles.assistant.rejectAll")
        : t("articles.assistant.reject")}
    </Button>
  );
  if (proposal.action === "titles") {
    return (
      <div className="space-y-1.5">
        <ul className="space-y-1" data-testid="proposal-titles">
          {titleOptions(message.content).map((title) => (
            <li key={title}>
              <button
                type="button"
                disabled={deciding}
                onClick={() =>
                  onDecide({ messageId: message.id, decision: "accept", choice: title })
                }
                aria-label={t("articles.assistant.useTitle", { title })}
                className="group flex w-full items-center gap-2 rounded-lg border border-line bg-surface px-2.5 py-1.5 text-left text-[13px] text-fg transition-colors hover:border-accent/50 hover:bg-accent-soft disabled:cursor-not-allowed disabled:opacity-60"
                data-testid="proposal-title"
              >
                <span className="min-w-0 flex-1">{title}</span>
                <Check
                  className="size-3.5 shrink-0 text-fg-subtle group-hover:text-accent"
                  aria-hidden
                />
              </button>
            </li>
          ))}
        </ul>
        {reject}
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <Button
        size="sm"
        variant="primary"
        className="h-7 px-2.5"
        loading={deciding}
        onClick={() => onDecide({ messageId: message.id, decision: "accept" })}
        data-testid="proposal-accept"
      >
        {deciding ? null : <Check className="size-3.5" aria-hidden />}
        {t("articles.assistant.accept")}
      </Button>
      {reject}
    </div>
  );
}

/** One reply of the assistant: an answer, or a proposal with what became of it. */
export function AssistantReply({
  message,
  deciding,
  onDecide,
}: {
  message: ChatMessage;
  deciding: boolean;
  onDecide: (decision: Decision) => void;
}) {
  const { t } = useTranslation();
  const proposal = message.proposal;
  const streaming = message.status === "streaming";
  const open = proposal?.state === "pending" && !streaming && message.content.trim() !== "";
  return (
    <article
      className="flex gap-2.5"
      data-testid="assistant-message"
      data-role="assistant"
      data-status={message.status}
      data-proposal={proposal?.action}
      data-state={proposal?.state}
      data-message-id={message.id}
    >
      <div
        className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full border border-line bg-subtle text-fg-muted"
        aria-hidden
      >
        <Bot className="size-3.5" />
      </div>
      <div className="min-w-0 flex-1 space-y-2">
        {proposal ? (
          <p className="text-xs font-medium text-accent">
            {t(`articles.assistant.proposal.${proposal.action}`)}
          </p>
        ) : null}
        {proposal?.action === "rewrite" && proposal.selection ? (
          <div className="rounded-md border-l-2 border-line-strong bg-subtle px-2.5 py-1.5">
            <p className="text-[11px] font-medium tracking-wide text-fg-subtle uppercase">
              {t("articles.assistant.replaces")}
            </p>
            <p className="line-clamp-3 text-xs text-fg-muted line-through decoration-fg-subtle/60">
              {proposal.selection.text}
            </p>
          </div>
        ) : null}
        {open && proposal.action === "titles" ? null : proposal?.action === "titles" &&
          !streaming ? (
          <ul
            className="list-disc space-y-0.5 pl-5 text-[13px] text-fg-muted"
            data-testid="assistant-reply-text"
          >
            {titleOptions(message.content).map((title) => (
              <li key={title}>{title}</li>
            ))}
          </ul>
        ) : (
          <div className={compactMarkdown} data-testid="assistant-reply-text">
            <ReplyMarkdown message={message} />
          </div>
        )}
        <ReplyStatus message={message} />
        {open ? (
          <ProposalActions
            message={message}
            proposal={proposal}
            deciding={deciding}
            onDecide={onDecide}
          />
        ) : proposal?.state === "accepted" ? (
          <Badge tone="success" data-testid="proposal-state">
            <Check className="size-3" aria-hidden />
            {t("articles.assistant.accepted", { version: proposal.acceptedVersion ?? "?" })}
          </Badge>
        ) : proposal?.state === "rejected" ? (
          <Badge data-testid="proposal-state">{t("articles.assistant.rejected")}</Badge>
        ) : !proposal && !streaming && message.content ? (
          <CopyButton
            value={message.content}
            variant="ghost"
            size="sm"
            className="-ml-2 h-7 px-2"
          />
        ) : null}
      </div>
    </article>
  );
}
