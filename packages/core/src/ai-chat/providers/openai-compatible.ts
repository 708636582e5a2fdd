import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "openai";

import { DomainError } from "../../errors";
import type { ChatProvider, ChatProviderInfo, ChatStreamPart, ChatStreamRequest } from "./ports";

export interface OpenAiCompatibleOptions {
  info: Omit<ChatProviderInfo, "kind">;
  baseUrl: string;
  /** Optional: local servers (Ollama, llama.cpp, vLLM) often need none. */
  apiKey?: string | undefined;
  /** Ask for token counts at the end of the stream (`stream_options.include_usage`). */
  streamUsage: boolean;
  /** How long to wait for the provider to start answering, in ms. */
  timeoutMs: number;
}

/**
 * Any OpenAI-compatible chat completions API (OpenAI, DeepSeek, Qwen, Doubao/Ark, Ollama, vLLM,
 * llama.cpp server…) through the `openai` client, which parses the event stream.
 */
export function openAiCompatibleProvider(options: OpenAiCompatibleOptions): ChatProvider {
  const client = new OpenAI({
    apiKey: options.apiKey ?? "not-needed",
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    // A reply run is already durable; a second request after a partial answer would duplicate it.
    maxRetries: 0,
  });
  const info: ChatProviderInfo = { ...options.info, kind: "openai-compatible" };

  return {
    info,
    async *stream(request: ChatStreamRequest): AsyncGenerator<ChatStreamPart> {
      let stream;
      try {
        stream = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages,
            stream: true,
            max_tokens: request.maxOutputTokens,
            ...(request.temperature !== undefined && { temperature: request.temperature }),
            ...(options.streamUsage && { stream_options: { include_usage: true } }),
          },
          { signal: request.signal },
        );
      } catch (error) {
        throw providerError(info.id, error, request.signal);
      }
      let finished = false;
      try {
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          const text = choice?.delta?.content;
          if (text) yield { type: "text", text };
          if (choice?.finish_reason) {
            finished = true;
            yield { type: "finish", reason: choice.finish_reason };
          }
          if (chunk.usage) {
            yield {
              type: "usage",
              inputTokens: chunk.usage.prompt_tokens,
              outputTokens: chunk.usage.completion_tokens,
            };
          }
        }
      } catch (error) {
        throw providerError(info.id, error, request.signal);
      }
      // Every answer ends with a finish reason; a stream that stops without one was cut off (a
      // dropped connection can look like a clean end), and the reply is not complete.
      if (!finished && !request.signal.aborted) {
        throw new DomainError(
          "UNAVAILABLE",
          `The AI provider "${info.id}" stopped before finishing its answer`,
        );
      }
    },
  };
}

/**
 * A provider failure as a DomainError whose message is safe to show: the status and the
 * provider's own short message, never the request, headers or key.
 */
function providerError(providerId: string, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof APIUserAbortError) return signal.reason ?? error;
  if (error instanceof DomainError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new DomainError("TIMEOUT", `The AI provider "${providerId}" did not answer in time`, {
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return new DomainError("UNAVAILABLE", `The AI provider "${providerId}" cannot be reached`, {
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const apiError = error as APIError<number | undefined, Headers | undefined, object | undefined>;
    const said = providerMessage(apiError.error);
    const status = apiError.status;
    const text = `The AI provider "${providerId}" answered ${status ?? "an error"}${said ? `: ${said}` : ""}`;
    if (status === 429) {
      const retryAfter = Number(apiError.headers?.get("retry-after"));
      return new DomainError("LIMIT_EXCEEDED", text, {
        cause: error,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
      });
    }
    if (status === 400 || status === 404 || status === 413 || status === 422)
      return new DomainError("VALIDATION", text, { cause: error });
    return new DomainError("UNAVAILABLE", text, { cause: error });
  }
  return new DomainError("UNAVAILABLE", `The AI provider "${providerId}" failed mid-reply`, {
    cause: error,
  });
}

/** The provider's error message, trimmed to one short line. */
function providerMessage(body: { message?: unknown } | undefined): string {
  const message = typeof body?.message === "string" ? body.message : "";
  const line = message.split("\n")[0]?.trim() ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
