import { z } from "zod";

import { DomainError } from "../errors";
import type { Clock } from "../ports/clock";
import { parseInput } from "../validation";
import { OPENAI_DEFAULTS, OpenAiImageProvider } from "./openai";
import type { ImageProvider, RateGate } from "./ports";
import { intervalGate } from "./rate-gate";
import { VOLCENGINE_DEFAULTS, VolcEngineImageProvider } from "./volcengine";

/**
 * Which image provider to use, from the environment. Core never reads `process.env`: the app's
 * env.ts hands the record to `parseImageProviderEnv`.
 *
 * | variable                       | meaning                                   | default |
 * | ------------------------------ | ----------------------------------------- | ------- |
 * | IMAGE_PROVIDER                 | `volcengine`, `openai`, or unset for none | unset   |
 * | VOLCENGINE_ACCESS_KEY_ID       | required for volcengine                   |         |
 * | VOLCENGINE_SECRET_ACCESS_KEY   | required for volcengine                   |         |
 * | VOLCENGINE_REQ_KEY             | the model (req_key)                       | jimeng_t2i_v31 |
 * | VOLCENGINE_BASE_URL            | API endpoint                              | https://visual.volcengineapi.com |
 * | OPENAI_API_KEY                 | required for openai                       |         |
 * | OPENAI_BASE_URL                | any OpenAI-compatible server              | https://api.openai.com/v1 |
 * | OPENAI_IMAGE_MODEL             | the model                                 | gpt-image-1 |
 * | OPENAI_IMAGE_SEND_SEED         | `true` to send `seed` (OpenAI rejects it) | false |
 * | IMAGE_PROVIDER_QPS             | requests per second to the provider       | 2 |
 *
 * Empty values count as unset. Error messages name variables, never their values.
 */

export const DEFAULT_IMAGE_PROVIDER_QPS = 2;

const HttpUrl = z.url({ protocol: /^https?$/ });
const Qps = z.number().positive().max(1000);

export const VolcEngineProviderConfig = z.object({
  provider: z.literal("volcengine"),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  reqKey: z.string().min(1),
  baseUrl: HttpUrl,
  qps: Qps,
});
export type VolcEngineProviderConfig = z.infer<typeof VolcEngineProviderConfig>;

export const OpenAiProviderConfig = z.object({
  provider: z.literal("openai"),
  apiKey: z.string().min(1),
  baseUrl: HttpUrl,
  model: z.string().min(1),
  sendSeed: z.boolean(),
  qps: Qps,
});
export type OpenAiProviderConfig = z.infer<typeof OpenAiProviderConfig>;

export const ImageProviderConfig = z.discriminatedUnion("provider", [
  VolcEngineProviderConfig,
  OpenAiProviderConfig,
]);
export type ImageProviderConfig = z.infer<typeof ImageProviderConfig>;

/**
 * The configured provider, or `null` when `IMAGE_PROVIDER` is unset. Throws VALIDATION naming
 * every variable that is missing or wrong when a provider is chosen but not fully configured.
 */
export function parseImageProviderEnv(
  env: Record<string, string | undefined>,
): ImageProviderConfig | null {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const problems: [variable: string, message: string][] = [];
  const required = (name: string, provider: string) => {
    const value = read(name);
    if (value === undefined)
      problems.push([name, `${name} is required when IMAGE_PROVIDER=${provider}`]);
    return value ?? "";
  };
  const url = (name: string, fallback: string) => {
    const value = read(name) ?? fallback;
    if (!HttpUrl.safeParse(value).success) problems.push([name, `${name} must be an http(s) URL`]);
    return value;
  };

  const provider = read("IMAGE_PROVIDER");
  if (provider === undefined) return null;

  const qpsText = read("IMAGE_PROVIDER_QPS");
  const qps = qpsText === undefined ? DEFAULT_IMAGE_PROVIDER_QPS : Number(qpsText);
  if (!Qps.safeParse(qps).success) {
    problems.push([
      "IMAGE_PROVIDER_QPS",
      "IMAGE_PROVIDER_QPS must be a number above 0 (at most 1000)",
    ]);
  }

  let config: ImageProviderConfig | undefined;
  if (provider === "volcengine") {
    config = {
      provider,
      accessKeyId: required("VOLCENGINE_ACCESS_KEY_ID", provider),
      secretAccessKey: required("VOLCENGINE_SECRET_ACCESS_KEY", provider),
      reqKey: read("VOLCENGINE_REQ_KEY") ?? VOLCENGINE_DEFAULTS.reqKey,
      baseUrl: url("VOLCENGINE_BASE_URL", VOLCENGINE_DEFAULTS.baseUrl),
      qps,
    };
  } else if (provider === "openai") {
    const sendSeed = read("OPENAI_IMAGE_SEND_SEED")?.toLowerCase() ?? "false";
    if (sendSeed !== "true" && sendSeed !== "false") {
      problems.push(["OPENAI_IMAGE_SEND_SEED", "OPENAI_IMAGE_SEND_SEED must be true or false"]);
    }
    config = {
      provider,
      apiKey: required("OPENAI_API_KEY", provider),
      baseUrl: url("OPENAI_BASE_URL", OPENAI_DEFAULTS.baseUrl),
      model: read("OPENAI_IMAGE_MODEL") ?? OPENAI_DEFAULTS.model,
      sendSeed: sendSeed === "true",
      qps,
    };
  } else {
    const shown = provider.length > 40 ? `${provider.slice(0, 40)}…` : provider;
    problems.unshift([
      "IMAGE_PROVIDER",
      `IMAGE_PROVIDER must be "volcengine", "openai" or unset (got "${shown}")`,
    ]);
  }

  if (problems.length > 0 || !config) {
    const fieldErrors: Record<string, string[]> = {};
    for (const [variable, message] of problems) (fieldErrors[variable] ??= []).push(message);
    throw new DomainError(
      "VALIDATION",
      `Image provider configuration is invalid: ${problems.map(([, message]) => message).join("; ")}`,
      { details: { fieldErrors, formErrors: [] } },
    );
  }
  return config;
}

export interface ImageProviderDeps {
  /** Defaults to `intervalGate(config.qps)`: the rate held in this process only. */
  rateGate?: RateGate | undefined;
  clock?: Clock | undefined;
}

/** Builds the adapter for a parsed config. */
export function imageProviderFromConfig(
  config: ImageProviderConfig,
  deps: ImageProviderDeps = {},
): ImageProvider {
  const valid = parseInput(ImageProviderConfig, config, "Invalid image provider configuration");
  const rateGate = deps.rateGate ?? intervalGate(valid.qps);
  if (valid.provider === "volcengine") {
    return new VolcEngineImageProvider({
      accessKeyId: valid.accessKeyId,
      secretAccessKey: valid.secretAccessKey,
      reqKey: valid.reqKey,
      baseUrl: valid.baseUrl,
      clock: deps.clock,
      rateGate,
    });
  }
  return new OpenAiImageProvider({
    apiKey: valid.apiKey,
    baseUrl: valid.baseUrl,
    model: valid.model,
    sendSeed: valid.sendSeed,
    clock: deps.clock,
    rateGate,
  });
}
