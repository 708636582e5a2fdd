import { z } from "zod";

import { systemClock, type Clock } from "../ports/clock";
import { parseInput } from "../validation";
import { ImageProviderError, malformedResponse, providerName, redact } from "./errors";
import { decodeImage, jsonOf, retryAfterMs, send, type HttpReply } from "./http";
import type { GeneratedImage, GenerateOptions, ImageProvider, RateGate } from "./ports";
import { progressReporter } from "./progress";
import { ImageRequest } from "./schemas";
import { nearestSize, openAiModelRules } from "./sizes";

/**
 * OpenAI's images API, or any server that speaks it: `POST {baseUrl}/images/generations` with
 * `Authorization: Bearer <key>` and `{ model, prompt, n, size: "<w>x<h>", response_format:
 * "b64_json" }`, answered with `data[].b64_json`.
 * - `response_format` is left out for the GPT image models, which reject it (they always
 *   answer base64).
 * - `seed` is sent only with `sendSeed` (OpenAI rejects unknown fields; some compatible servers
 *   take it).
 * - Sizes are mapped to the nearest one the model supports (sizes.ts); models allowing only
 *   n = 1 (dall-e-3) get one request per image.
 */

export const OPENAI_DEFAULTS = {
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-image-1",
  /** GPT image models can take a minute or two per request. */
  requestTimeoutMs: 180_000,
} as const;

export interface OpenAiImageProviderOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  model?: string | undefined;
  sendSeed?: boolean | undefined;
  requestTimeoutMs?: number | undefined;
  clock?: Clock | undefined;
  rateGate?: RateGate | undefined;
}

const ImagesResponse = z.object({
  data: z.array(z.object({ b64_json: z.string().min(1) })).min(1),
});

const OpenAiErrorBody = z.object({
  error: z.object({
    message: z.string().nullish(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

const QUOTA_CODES = new Set(["insufficient_quota", "billing_hard_limit_reached"]);

export class OpenAiImageProvider implements ImageProvider {
  readonly id = "openai" as const;
  readonly model: string;
  private readonly endpoint: string;
  private readonly apiKey: string;
  private readonly sendSeed: boolean;
  private readonly requestTimeoutMs: number;
  private readonly clock: Clock;
  private readonly rateGate: RateGate | undefined;

  constructor(options: OpenAiImageProviderOptions) {
    this.apiKey = options.apiKey;
    this.model = options.model ?? OPENAI_DEFAULTS.model;
    this.endpoint = `${(options.baseUrl ?? OPENAI_DEFAULTS.baseUrl).replace(/\/+$/, "")}/images/generations`;
    this.sendSeed = options.sendSeed ?? false;
    this.requestTimeoutMs = options.requestTimeoutMs ?? OPENAI_DEFAULTS.requestTimeoutMs;
    this.clock = options.clock ?? systemClock;
    this.rateGate = options.rateGate;
  }

  async generate(request: ImageRequest, options: GenerateOptions): Promise<GeneratedImage[]> {
    const input = parseInput(ImageRequest, request, "Invalid image request");
    const rules = openAiModelRules(this.model);
    const size = nearestSize(input.width, input.height, rules.sizes);
    const report = progressReporter(options.onProgress);
    report(
      0,
      size.exact
        ? `Requesting ${input.count} image${input.count === 1 ? "" : "s"}`
        : `Using ${size.width}x${size.height}, the nearest size ${this.model} supports to ${input.width}x${input.height}`,
    );

    const images: GeneratedImage[] = [];
    while (images.length < input.count) {
      const n = Math.min(input.count - images.length, rules.maxPerRequest);
      const seed = input.seed === undefined ? undefined : input.seed + images.length;
      const body: Record<string, unknown> = {
        model: this.model,
        prompt: input.prompt,
        n,
        size: `${size.width}x${size.height}`,
      };
      if (rules.acceptsResponseFormat) body.response_format = "b64_json";
      if (this.sendSeed && seed !== undefined) body.seed = seed;

      const reply = await send(
        this.endpoint,
        {
          method: "POST",
          headers: { Authorization: `Bearer ${this.apiKey}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        },
        {
          provider: "openai",
          signal: options.signal,
          timeoutMs: this.requestTimeoutMs,
          rateGate: this.rateGate,
        },
      );
      const json = jsonOf(reply);
      if (reply.status < 200 || reply.status >= 300) throw this.failure(reply, json);
      const parsed = ImagesResponse.safeParse(json);
      if (!parsed.success) {
        throw malformedResponse("openai", "answered without base64 images (data[].b64_json)", {
          httpStatus: reply.status,
        });
      }
      // A seed only pins the image when it was sent and made exactly one image.
      const pinned = this.sendSeed && n === 1 ? seed : undefined;
      for (const item of parsed.data.data.slice(0, n)) {
        images.push({ ...decodeImage("openai", item.b64_json), seed: pinned });
      }
      report(
        (100 * images.length) / input.count,
        `${images.length} of ${input.count} images ready`,
      );
    }
    return images;
  }

  private failure(reply: HttpReply, json: unknown): ImageProviderError {
    const parsed = OpenAiErrorBody.safeParse(json);
    const error = parsed.success ? parsed.data.error : undefined;
    const providerCode = error?.code ?? error?.type ?? undefined;
    const providerMessage = error?.message ? redact(error.message, [this.apiKey]) : undefined;
    const init = {
      provider: "openai" as const,
      httpStatus: reply.status,
      providerCode,
      providerMessage,
    };
    const name = providerName("openai");
    const said = (text: string) => (providerMessage ? `${text}: ${providerMessage}` : text);
    const status = reply.status;

    if (status === 400 || status === 422) {
      const what =
        providerCode === "content_policy_violation"
          ? `${name}'s safety system rejected the prompt`
          : `${name} rejected the request (HTTP ${status})`;
      return new ImageProviderError("VALIDATION", said(what), { ...init, retryable: false });
    }
    if (status === 401 || status === 403) {
      return new ImageProviderError(
        "UNAVAILABLE",
        said(`${name} rejected the API key (HTTP ${status})`),
        {
          ...init,
          retryable: false,
        },
      );
    }
    if (status === 408) {
      return new ImageProviderError("TIMEOUT", said(`${name} timed out (HTTP 408)`), {
        ...init,
        retryable: true,
      });
    }
    if (status === 429) {
      if (typeof providerCode === "string" && QUOTA_CODES.has(providerCode)) {
        return new ImageProviderError("UNAVAILABLE", said(`${name} quota is used up`), {
          ...init,
          retryable: false,
        });
      }
      return new ImageProviderError("LIMIT_EXCEEDED", said(`${name} rate limit was reached`), {
        ...init,
        retryable: true,
        retryAfterMs: retryAfterMs(reply.headers, this.clock.now()),
      });
    }
    if (status >= 500) {
      return new ImageProviderError("UNAVAILABLE", said(`${name} failed (HTTP ${status})`), {
        ...init,
        retryable: true,
      });
    }
    return new ImageProviderError(
      "UNAVAILABLE",
      said(`${name} refused the request (HTTP ${status})`),
      {
        ...init,
        retryable: false,
      },
    );
  }
}
