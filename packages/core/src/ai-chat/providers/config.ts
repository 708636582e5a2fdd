import { z } from "zod";

import { DomainError } from "../../errors";
import { openAiCompatibleProvider } from "./openai-compatible";
import { chatProviders, type ChatProvider, type ChatProviders } from "./ports";

/**
 * Chat providers from the environment. Core never reads `process.env`: the app's env.ts hands
 * the record to `parseChatProviderEnv`.
 *
 * | variable          | meaning                                                                | default |
 * | ----------------- | ---------------------------------------------------------------------- | ------- |
 * | AI_PROVIDERS      | JSON array of OpenAI-compatible providers (see `ChatProviderConfig`)  | none    |
 * | AI_DEFAULT_MODEL  | `<provider id>/<model id>` new conversations use                       | the first model |
 * | AI_TIMEOUT_MS     | how long a provider may take to start answering                        | 60000   |
 *
 * Error messages name variables and fields, never their values (keys stay out of logs).
 */

const ProviderId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "use 1–32 lower-case letters, digits or dashes");

const Price = z.number().min(0).max(100_000);

export const ChatModelConfig = z.object({
  id: z.string().min(1).max(200),
  label: z.string().min(1).max(100).optional(),
  /** Tokens the model accepts, prompt and reply together. */
  contextWindow: z.number().int().min(256).max(10_000_000).default(8192),
  /** Reply length asked for by default. */
  maxOutputTokens: z.number().int().min(16).max(1_000_000).default(1024),
  /** Price per million input tokens (prompt), in the provider's currency. */
  inputPrice: Price.optional(),
  /** Price per million output tokens (reply). */
  outputPrice: Price.optional(),
});
export type ChatModelConfig = z.infer<typeof ChatModelConfig>;

export const ChatProviderConfig = z.object({
  id: ProviderId,
  label: z.string().min(1).max(100).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  apiKey: z.string().min(1).optional(),
  models: z.array(ChatModelConfig).min(1, "list at least one model"),
  /** Ask for token counts in the stream; turn off for servers that reject `stream_options`. */
  streamUsage: z.boolean().default(true),
});
export type ChatProviderConfig = z.infer<typeof ChatProviderConfig>;

export interface ChatProvidersConfig {
  providers: ChatProviderConfig[];
  defaultModel?: { providerId: string; model: string } | undefined;
  timeoutMs: number;
}

export const DEFAULT_AI_TIMEOUT_MS = 60_000;

/** Parses the AI_* variables. Throws VALIDATION naming every problem (by variable and field). */
export function parseChatProviderEnv(env: Record<string, string | undefined>): ChatProvidersConfig {
  const problems: Record<string, string[]> = {};
  const problem = (variable: string, message: string) => {
    (problems[variable] ??= []).push(message);
  };

  let providers: ChatProviderConfig[] = [];
  const raw = env["AI_PROVIDERS"]?.trim();
  if (raw) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problem("AI_PROVIDERS", "AI_PROVIDERS must be a JSON array of providers");
    }
    if (json !== undefined) {
      const parsed = z.array(ChatProviderConfig).safeParse(json);
      if (parsed.success) {
        providers = parsed.data;
        const ids = new Set<string>();
        for (const provider of providers) {
          if (ids.has(provider.id))
            problem("AI_PROVIDERS", `provider id "${provider.id}" is used twice`);
          ids.add(provider.id);
        }
      } else {
        for (const issue of parsed.error.issues) {
          const where = issue.path.map(String).join(".");
          problem("AI_PROVIDERS", `AI_PROVIDERS ${where ? `${where}: ` : ""}${issue.message}`);
        }
      }
    }
  }

  let defaultModel: ChatProvidersConfig["defaultModel"];
  const preferred = env["AI_DEFAULT_MODEL"]?.trim();
  if (preferred) {
    const slash = preferred.indexOf("/");
    const providerId = preferred.slice(0, slash);
    const model = preferred.slice(slash + 1);
    const known = providers.find((p) => p.id === providerId)?.models.some((m) => m.id === model);
    if (slash <= 0 || !known) {
      problem("AI_DEFAULT_MODEL", "AI_DEFAULT_MODEL must name a configured <provider>/<model>");
    } else {
      defaultModel = { providerId, model };
    }
  }

  let timeoutMs = DEFAULT_AI_TIMEOUT_MS;
  const timeout = env["AI_TIMEOUT_MS"]?.trim();
  if (timeout) {
    timeoutMs = Number(timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600_000)
      problem("AI_TIMEOUT_MS", "AI_TIMEOUT_MS must be a whole number of ms from 1000 to 600000");
  }

  if (Object.keys(problems).length > 0) {
    throw new DomainError("VALIDATION", "The AI provider settings are not valid", {
      details: { fieldErrors: problems },
    });
  }
  return { providers, defaultModel, timeoutMs };
}

/** The providers a configuration describes, plus any built elsewhere (e.g. a local model). */
export function buildChatProviders(
  config: ChatProvidersConfig,
  extra: ChatProvider[] = [],
): ChatProviders {
  const remote = config.providers.map((provider) =>
    openAiCompatibleProvider({
      info: {
        id: provider.id,
        label: provider.label ?? provider.id,
        models: provider.models.map((model) => ({
          id: model.id,
          label: model.label ?? model.id,
          contextWindow: model.contextWindow,
          maxOutputTokens: Math.min(model.maxOutputTokens, Math.floor(model.contextWindow / 2)),
          prices:
            model.inputPrice !== undefined || model.outputPrice !== undefined
              ? { input: model.inputPrice ?? 0, output: model.outputPrice ?? 0 }
              : undefined,
        })),
      },
      baseUrl: provider.baseUrl,
      apiKey: provider.apiKey,
      streamUsage: provider.streamUsage,
      timeoutMs: config.timeoutMs,
    }),
  );
  return chatProviders([...remote, ...extra], config.defaultModel);
}
