/** One model a provider serves, with what the budgeter and the cost column need to know. */
export interface ChatModelInfo {
  id: string;
  /** Shown in the model picker; the id when not configured. */
  label: string;
  /** Tokens the model accepts, prompt and reply together. */
  contextWindow: number;
  /** The reply length asked for when the conversation does not set one. */
  maxOutputTokens: number;
  /** Prices per million tokens, in the provider's currency, when configured. */
  prices?: { input: number; output: number } | undefined;
}

export interface ChatProviderInfo {
  id: string;
  label: string;
  kind: "openai-compatible" | "local";
  models: ChatModelInfo[];
}

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatStreamRequest {
  model: string;
  messages: ChatTurn[];
  temperature?: number | undefined;
  maxOutputTokens: number;
  /** Aborting it stops generation; the stream then ends by throwing the abort. */
  signal: AbortSignal;
}

/** What a streaming reply yields: text as it arrives, the token counts once known, why it ended. */
export type ChatStreamPart =
  | { type: "text"; text: string }
  | { type: "usage"; inputTokens: number; outputTokens: number }
  | { type: "finish"; reason: string };

/** Something that answers chat turns: a remote OpenAI-compatible API, or a model run here. */
export interface ChatProvider {
  readonly info: ChatProviderInfo;
  /** Streams a reply. Throws a DomainError (UNAVAILABLE, LIMIT_EXCEEDED, VALIDATION…) on failure. */
  stream(request: ChatStreamRequest): AsyncIterable<ChatStreamPart>;
  /** Releases what the provider holds (a loaded model, sockets). */
  close?(): Promise<void>;
}

/** The providers a deployment has, in the order they were configured. */
export interface ChatProviders {
  list(): ChatProviderInfo[];
  get(id: string): ChatProvider | undefined;
  /** The provider and model a new conversation uses when the caller names none. */
  defaultModel(): { providerId: string; model: string } | undefined;
  close(): Promise<void>;
}

export function chatProviders(
  providers: ChatProvider[],
  preferred?: { providerId: string; model: string },
): ChatProviders {
  const byId = new Map(providers.map((provider) => [provider.info.id, provider]));
  return {
    list: () => providers.map((provider) => provider.info),
    get: (id) => byId.get(id),
    defaultModel() {
      if (
        preferred &&
        byId.get(preferred.providerId)?.info.models.some((m) => m.id === preferred.model)
      )
        return preferred;
      const first = providers.find((provider) => provider.info.models.length > 0);
      const model = first?.info.models[0];
      return first && model ? { providerId: first.info.id, model: model.id } : undefined;
    },
    async close() {
      await Promise.allSettled(
        providers.map((provider) => provider.close?.() ?? Promise.resolve()),
      );
    },
  };
}
