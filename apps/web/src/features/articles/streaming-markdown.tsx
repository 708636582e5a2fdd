import { useTranslation } from "react-i18next";

import type { ChatMessage } from "../chat/types";
import { useReplyStream } from "../chat/use-reply-stream";
import { MarkdownView } from "./markdown-view";

/** Markdown at the size of a side panel: smaller text and headings than an article's. */
export const compactMarkdown =
  "[&_.markdown]:text-[13px] [&_.markdown]:leading-6 [&_.markdown_:is(h1,h2,h3)]:mt-4 [&_.markdown_:is(h1,h2,h3)]:text-sm [&_.markdown_:is(h1,h2,h3)]:font-semibold [&_.markdown>*+*]:mt-2.5";

/** Three pulsing dots while the model has not written anything yet. */
function Waiting() {
  const { t } = useTranslation();
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

/** A reply being written, as it arrives (the chat's stream: it resumes, never repeats). */
function LiveMarkdown({ message }: { message: ChatMessage }) {
  const text = useReplyStream(message);
  return text ? <MarkdownView source={text} /> : <Waiting />;
}

/**
 * An assistant reply as Markdown: followed live while it is written, then its stored text. Used
 * wherever a chat reply is shown outside the chat page (the prompt refinement, the article
 * assistant).
 */
export function ReplyMarkdown({ message }: { message: ChatMessage }) {
  const { t } = useTranslation();
  if (message.status === "streaming") return <LiveMarkdown key={message.id} message={message} />;
  if (!message.content) {
    return <p className="text-sm text-fg-subtle italic">{t("chat.message.noText")}</p>;
  }
  return <MarkdownView source={message.content} />;
}
