import { DomainError } from "../errors";
import type { AiChatDeps } from "./deps";
import type { ChatModelInfo, ChatProvider } from "./providers/ports";

export const NO_PROVIDER_MESSAGE =
  "No AI provider configured: set AI_PROVIDERS (an OpenAI-compatible API) or AI_LOCAL_MODEL (a GGUF file) on the server";

/** The provider and model named (or the default one), or UNAVAILABLE / VALIDATION. */
export function resolveModel(
  deps: AiChatDeps,
  wanted: { providerId?: string | undefined; model?: string | undefined },
): { provider: ChatProvider; model: ChatModelInfo } {
  const fallback = deps.chat.providers.defaultModel();
  if (!fallback) {
    throw new DomainError("UNAVAILABLE", NO_PROVIDER_MESSAGE, {
      details: { reason: "no_provider" },
    });
  }
  const providerId = wanted.providerId ?? fallback.providerId;
  const provider = deps.chat.providers.get(providerId);
  if (!provider) {
    throw new DomainError("VALIDATION", `There is no AI provider "${providerId}"`, {
      details: { fieldErrors: { providerId: ["Unknown provider"] } },
    });
  }
  const modelId =
    wanted.model ??
    (providerId === fallback.providerId ? fallback.model : provider.info.models[0]?.id);
  const model = provider.info.models.find((m) => m.id === modelId);
  if (!model) {
    throw new DomainError(
      "VALIDATION",
      `The provider "${providerId}" has no model "${modelId ?? ""}"`,
      {
        details: { fieldErrors: { model: ["Unknown model"] } },
      },
    );
  }
  return { provider, model };
}
