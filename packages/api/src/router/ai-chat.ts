import {
  ArticleConversationInput,
  assistArticle,
  AssistArticleInput,
  decideProposal,
  DecideProposalInput,
  getArticleConversation,
  chatUsage,
  composeSystemPrompt,
  deletePrompt,
  getPrompt,
  ListPromptsInput,
  listPrompts,
  PromptBrief,
  PromptIdInput,
  RefinePromptInput,
  refinePrompt,
  RenderPromptInput,
  renderPrompt,
  SavePromptInput,
  savePrompt,
  continueReply,
  ConversationIdInput,
  deleteConversation,
  editMessage,
  EditMessageInput,
  getConversation,
  listConversations,
  ListConversationsInput,
  MessageIdInput,
  NO_PROVIDER_MESSAGE,
  OnReplyInput,
  previewContext,
  PreviewContextInput,
  regenerateReply,
  RegenerateInput,
  sendMessage,
  SendMessageInput,
  stopReply,
  streamReply,
  updateConversation,
  UpdateConversationInput,
  type AiChatDeps,
} from "@genflow/core/ai-chat";
import { DomainError } from "@genflow/core/errors";
import { tracked } from "@trpc/server";

import type { Context } from "../context";
import { createTRPCRouter, enforceRateLimit, protectedProcedure } from "../trpc";

/** The assistant's deps for this request, or UNAVAILABLE on a host built without it. */
function chatOf(ctx: Pick<Context, "services">): AiChatDeps {
  const chat = ctx.services.aiChat;
  if (!chat) throw new DomainError("UNAVAILABLE", NO_PROVIDER_MESSAGE);
  return { ...ctx.services, chat };
}

/** Starting a reply costs the provider money and time: these count against the `aiChat` limit. */
const replyProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  await enforceRateLimit(ctx, "aiChat", `user:${ctx.user.id}`);
  return next();
});

const conversationsRouter = createTRPCRouter({
  /** The caller's conversations, most recently active first; `search` looks in titles and messages. */
  list: protectedProcedure
    .input(ListConversationsInput.prefault({}))
    .query(({ ctx, input }) => listConversations(chatOf(ctx), { userId: ctx.user.id, input })),
  /** A conversation with every message of every branch, oldest first. */
  byId: protectedProcedure
    .input(ConversationIdInput)
    .query(({ ctx, input }) => getConversation(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Rename (the title is then yours), change model or system prompt, or switch the branch shown. */
  update: protectedProcedure
    .input(UpdateConversationInput)
    .mutation(({ ctx, input }) => updateConversation(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Deletes a conversation and its messages (replies still streaming in it are stopped). */
  delete: protectedProcedure
    .input(ConversationIdInput)
    .mutation(({ ctx, input }) => deleteConversation(chatOf(ctx), { userId: ctx.user.id, input })),
});

/** The system prompt generator and the library of saved prompts. */
const promptsRouter = createTRPCRouter({
  /** A structured system prompt from a brief (role, goal, audience, rules, tone, format, examples). */
  compose: protectedProcedure
    .input(PromptBrief)
    .query(({ input }) => ({ content: composeSystemPrompt(input) })),
  /** The model improves a prompt; the answer streams as a reply in a new conversation (`onReply`). */
  refine: replyProcedure
    .input(RefinePromptInput)
    .mutation(({ ctx, input }) => refinePrompt(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Your saved prompts, most recently changed first. */
  list: protectedProcedure
    .input(ListPromptsInput.prefault({}))
    .query(({ ctx, input }) => listPrompts(chatOf(ctx), { userId: ctx.user.id, input })),
  /** A saved prompt with every version. */
  byId: protectedProcedure
    .input(PromptIdInput)
    .query(({ ctx, input }) => getPrompt(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Saves a new prompt, or a new version of one (when its text changed). */
  save: protectedProcedure
    .input(SavePromptInput)
    .mutation(({ ctx, input }) => savePrompt(chatOf(ctx), { userId: ctx.user.id, input })),
  delete: protectedProcedure
    .input(PromptIdInput)
    .mutation(({ ctx, input }) => deletePrompt(chatOf(ctx), { userId: ctx.user.id, input })),
  /** A saved prompt's text with its `{{variables}}` filled in, ready to be a system prompt. */
  render: protectedProcedure
    .input(RenderPromptInput)
    .query(({ ctx, input }) => renderPrompt(chatOf(ctx), { userId: ctx.user.id, input })),
});

/** The assistant in the article editor: questions about the article, and proposals to accept. */
const articleAssistantRouter = createTRPCRouter({
  /** Your assistant conversation for an article you edit (null before the first request). */
  conversation: protectedProcedure
    .input(ArticleConversationInput)
    .query(({ ctx, input }) => getArticleConversation(chatOf(ctx), { actor: ctx.user, input })),
  /**
   * Ask about the article (`chat`) or for a proposal: `summarise`, `titles`, `rewrite` (a
   * selected passage of the body) or `continue`. The reply streams through `onReply`.
   */
  assist: replyProcedure
    .input(AssistArticleInput)
    .mutation(({ ctx, input }) => assistArticle(chatOf(ctx), { actor: ctx.user, input })),
  /** Accept a proposal (a new revision of the article) or reject it. */
  decide: protectedProcedure
    .input(DecideProposalInput)
    .mutation(({ ctx, input }) => decideProposal(chatOf(ctx), { actor: ctx.user, input })),
});

export const aiChatRouter = createTRPCRouter({
  /** The configured providers and their models (never their keys), and the default model. */
  providers: protectedProcedure.query(({ ctx }) => {
    const chat = ctx.services.aiChat;
    const providers = chat?.providers.list() ?? [];
    return {
      configured: providers.length > 0,
      providers,
      defaultModel: chat?.providers.defaultModel() ?? null,
      limits: chat
        ? {
            maxMessageChars: chat.limits.maxMessageChars,
            maxSystemPromptChars: chat.limits.maxSystemPromptChars,
          }
        : null,
      help: providers.length > 0 ? null : NO_PROVIDER_MESSAGE,
    };
  }),

  /** Tokens used today and the daily allowance. */
  usage: protectedProcedure.query(({ ctx }) => chatUsage(chatOf(ctx), { userId: ctx.user.id })),

  conversations: conversationsRouter,
  prompts: promptsRouter,
  article: articleAssistantRouter,

  /**
   * Sends a message and starts the reply on the server (it goes on if the page closes); follow
   * it with `onReply`. Without `conversationId` a new conversation begins.
   */
  send: replyProcedure
    .input(SendMessageInput)
    .mutation(({ ctx, input }) => sendMessage(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Edits one of your messages: a new branch beside the original, with a new reply. */
  edit: replyProcedure
    .input(EditMessageInput)
    .mutation(({ ctx, input }) => editMessage(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Answers the same message again: a new reply beside the old one. */
  regenerate: replyProcedure
    .input(RegenerateInput)
    .mutation(({ ctx, input }) => regenerateReply(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Goes on writing a stopped, interrupted or failed reply after the text it has. */
  continue: replyProcedure
    .input(MessageIdInput)
    .mutation(({ ctx, input }) => continueReply(chatOf(ctx), { userId: ctx.user.id, input })),
  /** Stops a reply wherever it runs, keeping its text; `stopped: false` if it had already ended. */
  stop: protectedProcedure
    .input(MessageIdInput)
    .mutation(({ ctx, input }) => stopReply(chatOf(ctx), { userId: ctx.user.id, input })),
  /** What the next reply would be sent: tokens, and which older messages are left out to fit. */
  context: protectedProcedure
    .input(PreviewContextInput)
    .query(({ ctx, input }) => previewContext(chatOf(ctx), { userId: ctx.user.id, input })),

  /**
   * A reply as it is written: `text` pieces, each tracked by the reply's length after it, then
   * `done` with the stored message. A reconnect with the last event id gets exactly what it
   * missed, then the rest live, whichever server process writes the reply.
   */
  onReply: protectedProcedure.input(OnReplyInput).subscription(async function* ({
    ctx,
    input,
    signal,
    path,
  }) {
    const events = streamReply(chatOf(ctx), {
      userId: ctx.user.id,
      messageId: input.messageId,
      after: input.lastEventId === undefined ? 0 : Number(input.lastEventId),
      signal,
    });
    ctx.services.metrics.subscriptionOpened(path);
    try {
      for await (const event of events) {
        yield event.type === "text"
          ? tracked(String(event.end), event)
          : tracked(`${event.message.content.length}.done`, event);
      }
    } finally {
      ctx.services.metrics.subscriptionClosed(path);
    }
  }),
});
