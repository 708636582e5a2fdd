import { useState } from "react";

import { readApiFailure } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { appendPiece } from "./tree";
import type { ChatMessage } from "./types";
import { useChatCache } from "./use-chat-cache";

/**
 * Follows a reply being written (`aiChat.onReply` over the page's live socket) and returns its
 * text so far. Mount it while the message is `streaming`, keyed by the message: a reply that
 * already has stored text (the page was reloaded mid-reply, or a stopped reply is continued)
 * resumes right after it with `lastEventId` = its length, so no text arrives twice; a dropped
 * connection resumes after the last piece received (the socket's link sends that id by itself).
 * `done` puts the stored message in the cache, which ends the streaming state.
 */
export function useReplyStream(message: ChatMessage): string {
  const cache = useChatCache();
  const utils = trpc.useUtils();
  const [input] = useState(() =>
    message.content.length > 0
      ? { messageId: message.id, lastEventId: String(message.content.length) }
      : { messageId: message.id },
  );
  const [text, setText] = useState(message.content);

  trpc.aiChat.onReply.useSubscription(input, {
    onData: ({ data }) => {
      if (data.type === "text") setText((current) => appendPiece(current, data.text, data.end));
      else cache.finishReply(data.message);
    },
    onError: (error) => {
      // Refused: the session ended (the guard handles it) or the reply is gone (deleted).
      if (readApiFailure(error).code === "UNAUTHORIZED") void utils.auth.session.invalidate();
      else void utils.aiChat.conversations.byId.invalidate({ id: message.conversationId });
    },
  });

  // The cached message may hold newer stored text (a refetch): both are the same reply's prefix.
  return message.content.length > text.length ? message.content : text;
}
