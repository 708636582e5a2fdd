import { DomainError, type ErrorCode } from "../errors";
import type { ImageProviderId } from "./ports";

export interface ImageProviderErrorInit {
  provider: ImageProviderId;
  /** Whether sending the same request again later may succeed. */
  retryable: boolean;
  /** The provider's own error code (`50413`, `SignatureDoesNotMatch`, `rate_limit_exceeded`…). */
  providerCode?: string | number | undefined;
  /** The provider's message, already stripped of secrets by the adapter. */
  providerMessage?: string | undefined;
  httpStatus?: number | undefined;
  /** The provider's request id, for support tickets. */
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * A failure talking to an image provider. A `DomainError` (so the one mapping to tRPC/HTTP still
 * applies) that also says whether a retry may help: `retryable` is on the error and repeated in
 * `details`, next to the provider, its error code and HTTP status. Never carries a secret.
 */
export class ImageProviderError extends DomainError {
  readonly provider: ImageProviderId;
  readonly retryable: boolean;
  readonly providerCode: string | number | undefined;
  readonly httpStatus: number | undefined;

  constructor(code: ErrorCode, message: string, init: ImageProviderErrorInit) {
    const details: Record<string, unknown> = { provider: init.provider, retryable: init.retryable };
    if (init.providerCode !== undefined) details.providerCode = init.providerCode;
    if (init.providerMessage !== undefined) details.providerMessage = init.providerMessage;
    if (init.httpStatus !== undefined) details.httpStatus = init.httpStatus;
    if (init.requestId !== undefined) details.requestId = init.requestId;
    super(code, message, { details, cause: init.cause, retryAfterMs: init.retryAfterMs });
    this.provider = init.provider;
    this.retryable = init.retryable;
    this.providerCode = init.providerCode;
    this.httpStatus = init.httpStatus;
  }
}

export function isImageProviderError(error: unknown): error is ImageProviderError {
  return error instanceof ImageProviderError;
}

/** True for errors a caller may retry: a retryable `ImageProviderError`. */
export function isRetryableImageError(error: unknown): boolean {
  return isImageProviderError(error) && error.retryable;
}

const PROVIDER_NAMES: Record<ImageProviderId, string> = {
  volcengine: "VolcEngine",
  openai: "The OpenAI-compatible image API",
};

export const providerName = (provider: ImageProviderId) => PROVIDER_NAMES[provider];

/** The server could not be reached or the connection broke. */
export function networkError(provider: ImageProviderId, cause: unknown): ImageProviderError {
  return new ImageProviderError("UNAVAILABLE", `${providerName(provider)} could not be reached`, {
    provider,
    retryable: true,
    cause,
  });
}

/** One HTTP request took longer than its timeout. */
export function requestTimeout(provider: ImageProviderId, timeoutMs: number, cause?: unknown) {
  return new ImageProviderError(
    "TIMEOUT",
    `${providerName(provider)} did not answer within ${timeoutMs} ms`,
    { provider, retryable: true, cause },
  );
}

/** The whole generation took longer than its deadline. */
export function deadlineExceeded(provider: ImageProviderId, deadlineMs: number) {
  return new ImageProviderError(
    "TIMEOUT",
    `${providerName(provider)} did not finish the images within ${deadlineMs} ms`,
    { provider, retryable: true },
  );
}

/** The provider answered something we cannot read (not JSON, wrong shape, not an image). */
export function malformedResponse(
  provider: ImageProviderId,
  what: string,
  init: { httpStatus?: number; cause?: unknown } = {},
) {
  return new ImageProviderError("UNAVAILABLE", `${providerName(provider)} ${what}`, {
    provider,
    retryable: true,
    httpStatus: init.httpStatus,
    cause: init.cause,
  });
}

/**
 * Removes secrets from text that came from a provider before it goes into an error: every
 * given secret verbatim, and anything shaped like an OpenAI key (`sk-…`, masked or not).
 * Also collapses whitespace and caps the length.
 */
export function redact(text: string, secrets: readonly string[], maxLength = 300): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  out = out
    .replace(/\bsk-[A-Za-z0-9_*.-]{2,}/g, "[redacted]")
    .replace(/\s+/g, " ")
    .trim();
  return out.length > maxLength ? `${out.slice(0, maxLength - 1)}…` : out;
}
