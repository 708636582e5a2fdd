import type { ImageRequest } from "./schemas";

/** The text-to-image providers GenFlow can talk to. */
export const IMAGE_PROVIDER_IDS = ["volcengine", "openai"] as const;
export type ImageProviderId = (typeof IMAGE_PROVIDER_IDS)[number];

export type GeneratedImageMime = "image/png" | "image/jpeg" | "image/webp";

export type { ImageRequest };

export interface GeneratedImage {
  bytes: Buffer;
  /** Sniffed from the bytes, never taken from what the provider declared. */
  mime: GeneratedImageMime;
  /** The seed the image was generated with, when the provider was given one. */
  seed?: number | undefined;
}

export interface GenerateOptions {
  /** Aborting stops every request and wait; `generate` then rejects with `signal.reason`. */
  signal: AbortSignal;
  /** 0–100, never decreasing, with a short English message. */
  onProgress?: (percent: number, message: string) => void;
}

/** A text-to-image client. Adapters: `VolcEngineImageProvider`, `OpenAiImageProvider`. */
export interface ImageProvider {
  readonly id: ImageProviderId;
  readonly model: string;
  /** The longest prompt (in characters) the provider takes, when it is shorter than GenFlow's own limit. */
  readonly maxPromptLength?: number | undefined;
  generate(request: ImageRequest, options: GenerateOptions): Promise<GeneratedImage[]>;
}

/**
 * Waits until the caller may send one more request to the provider (the shared per-provider
 * rate, `IMAGE_PROVIDER_QPS`). Called before every HTTP request an adapter sends, polls
 * included. Must reject when `signal` aborts.
 */
export type RateGate = (signal: AbortSignal) => Promise<void>;
