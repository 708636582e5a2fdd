export * from "./schemas";
export * from "./deps";
export * from "./budget";
export * from "./providers/ports";
export * from "./providers/config";
export { openAiCompatibleProvider } from "./providers/openai-compatible";
export { localLlamaProvider } from "./providers/llama-local";
export { createReplyRunner, recoverStaleReplies } from "./reply-runner";
export type { ReplyRunner, ReplyRunnerOptions, ReplyEndStatus } from "./reply-runner";
export { NO_PROVIDER_MESSAGE } from "./models";
export {
  listConversations,
  getConversation,
  updateConversation,
  deleteConversation,
} from "./conversations";
export {
  sendMessage,
  editMessage,
  regenerateReply,
  continueReply,
  stopReply,
  previewContext,
  chatUsage,
  type StartedReply,
} from "./replies";
export { streamReply, type ReplyEvent } from "./stream-reply";
export {
  PromptBrief,
  SavePromptInput,
  PromptIdInput,
  ListPromptsInput,
  RenderPromptInput,
  RefinePromptInput,
  composeSystemPrompt,
  promptVariables,
  savePrompt,
  listPrompts,
  getPrompt,
  deletePrompt,
  renderPrompt,
  refinePrompt,
  type SavedPrompt,
} from "./prompts";
export {
  ARTICLE_ACTIONS,
  AssistArticleInput,
  ArticleConversationInput,
  DecideProposalInput,
  assistArticle,
  decideProposal,
  getArticleConversation,
} from "./article-assistant";
