import type { CoreDeps } from "../context";
import type { ChatProviders } from "./providers/ports";
import type { ReplyRunner } from "./reply-runner";

export interface AiChatLimits {
  /** Input plus output tokens one user may spend per UTC day. */
  dailyTokensPerUser: number;
  /** Longest message a user may send, in characters. */
  maxMessageChars: number;
  /** Longest system prompt, in characters. */
  maxSystemPromptChars: number;
  /** Messages one conversation may hold (all branches). */
  maxMessagesPerConversation: number;
}

export const DEFAULT_AI_CHAT_LIMITS: AiChatLimits = {
  dailyTokensPerUser: 200_000,
  maxMessageChars: 32_000,
  maxSystemPromptChars: 16_000,
  maxMessagesPerConversation: 2_000,
};

/** What the assistant needs besides the core deps; built once by the host. */
export interface AiChatServices {
  providers: ChatProviders;
  replies: ReplyRunner;
  limits: AiChatLimits;
}

export type AiChatDeps = CoreDeps & { chat: AiChatServices };
