import { useQueryClient } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { useMemo } from "react";

import { trpc } from "../../lib/trpc";
import { byCreation } from "./tree";
import type { ChatConversation, ChatMessage, ConversationDetail, StartedReply } from "./types";

/** When to look for the title the model gives a new conversation after its first reply. */
const TITLE_CHECKS_MS = [1_500, 5_000];

/** `messages` with `message` in place of its older self (or added), oldest first. */
function upsert(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index === -1) return [...messages, message].sort(byCreation);
  const next = messages.slice();
  next[index] = message;
  return next;
}

export interface ChatCache {
  /** A reply just started (send, edit, regenerate, continue): its messages and conversation. */
  applyStarted: (started: StartedReply) => void;
  /** A reply ended (or was stopped): the stored message replaces the live one. */
  finishReply: (message: ChatMessage) => void;
  /** Shows another branch at once (the server is told separately). */
  setLeaf: (conversationId: string, leafId: string) => void;
  setConversation: (conversation: ChatConversation) => void;
  /** The lists (order, titles, search) and the token usage are stale. */
  refreshLists: () => void;
  forget: (conversationId: string) => void;
}

/**
 * Keeps react-query's copy of the open conversation (`aiChat.conversations.byId`) in step with
 * what the mutations and the reply stream say, so the page never waits for a refetch.
 */
export function useChatCache(): ChatCache {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const patch = (id: string, change: (detail: ConversationDetail) => ConversationDetail) => {
      utils.aiChat.conversations.byId.setData({ id }, (detail) =>
        detail ? change(detail) : detail,
      );
    };
    const refreshLists = () => {
      void utils.aiChat.conversations.list.invalidate();
      void utils.aiChat.usage.invalidate();
    };
    return {
      applyStarted: ({ conversation, userMessage, reply }) => {
        const id = conversation.id;
        const existing = utils.aiChat.conversations.byId.getData({ id });
        const messages = [...(existing?.messages ?? [])];
        let next = userMessage ? upsert(messages, userMessage) : messages;
        next = upsert(next, reply);
        utils.aiChat.conversations.byId.setData({ id }, { conversation, messages: next });
        void utils.aiChat.context.invalidate();
        refreshLists();
      },
      finishReply: (message) => {
        patch(message.conversationId, (detail) => ({
          ...detail,
          messages: upsert(detail.messages, message),
        }));
        const id = message.conversationId;
        void utils.aiChat.conversations.byId.invalidate({ id });
        void utils.aiChat.context.invalidate();
        refreshLists();
        // A new conversation is named by the model just after its first reply: look again.
        if (utils.aiChat.conversations.byId.getData({ id })?.conversation.titleSource === "auto") {
          for (const delay of TITLE_CHECKS_MS) {
            window.setTimeout(() => {
              void utils.aiChat.conversations.list.invalidate();
              void utils.aiChat.conversations.byId.invalidate({ id });
            }, delay);
          }
        }
      },
      setLeaf: (conversationId, leafId) => {
        patch(conversationId, (detail) => ({
          ...detail,
          conversation: { ...detail.conversation, currentLeafId: leafId },
        }));
      },
      setConversation: (conversation) => {
        patch(conversation.id, (detail) => ({ ...detail, conversation }));
        void utils.aiChat.conversations.list.invalidate();
        // The model or the system prompt may have changed what the next reply is sent.
        void utils.aiChat.context.invalidate();
      },
      refreshLists,
      forget: (conversationId) => {
        queryClient.removeQueries({
          queryKey: getQueryKey(trpc.aiChat.conversations.byId, { id: conversationId }, "query"),
        });
        refreshLists();
      },
    };
  }, [utils, queryClient]);
}
