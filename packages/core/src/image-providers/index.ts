/**
 * The `image-providers` capability: text-to-image clients behind one port, `ImageProvider`,
 * used by the durable task kind `image.generate`. Adapters: VolcEngine's visual API (即梦,
 * submit-then-poll, signed with VolcEngine's HMAC-SHA256 signature) and any OpenAI-compatible
 * images API. The composition root calls `parseImageProviderEnv(env)` once and
 * `imageProviderFromConfig(config, { rateGate })`; `null` means no provider is configured.
 *
 * `generate(request, { signal, onProgress })` resolves the images (bytes checked to be PNG,
 * JPEG or WebP) or rejects with one of:
 * - the caller's `signal.reason` once `signal` aborts (no request is sent after that);
 * - `DomainError` VALIDATION for a request the provider would refuse (size, count, prompt);
 *   never retryable;
 * - `ImageProviderError` (a `DomainError`) for everything the provider did or failed to do.
 *   `error.retryable` (also `details.retryable`) says whether the same request may succeed
 *   later: network failures, timeouts, rate limits (429; `retryAfterMs` when the provider said)
 *   and server errors (5xx) are retryable; rejected credentials, content-review rejections and
 *   bad requests are not. VolcEngine's own codes follow its documented "retry?" column (see
 *   volcengine-errors.ts). `details` hold the provider, its error code, HTTP status and request
 *   id; secrets never appear in messages or details.
 *   Codes: VALIDATION (prompt rejected), UNAVAILABLE (unreachable, refused, broken answers),
 *   TIMEOUT (a request or the whole run ran out of time), LIMIT_EXCEEDED (rate limited).
 *
 * `isRetryableImageError(error)` is the one check a retry loop needs.
 */
export type {
  GeneratedImage,
  GeneratedImageMime,
  GenerateOptions,
  ImageProvider,
  ImageProviderId,
  RateGate,
} from "./ports";
export { IMAGE_PROVIDER_IDS } from "./ports";
export { ImageRequest } from "./schemas";
export {
  ImageProviderError,
  isImageProviderError,
  isRetryableImageError,
  type ImageProviderErrorInit,
} from "./errors";
export {
  DEFAULT_IMAGE_PROVIDER_QPS,
  ImageProviderConfig,
  OpenAiProviderConfig,
  VolcEngineProviderConfig,
  imageProviderFromConfig,
  parseImageProviderEnv,
  type ImageProviderDeps,
} from "./config";
export {
  VOLCENGINE_API_VERSION,
  VOLCENGINE_DEFAULTS,
  VolcEngineImageProvider,
  type VolcEngineImageProviderOptions,
} from "./volcengine";
export { OPENAI_DEFAULTS, OpenAiImageProvider, type OpenAiImageProviderOptions } from "./openai";
export {
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  formatXDate,
  rfc3986Encode,
  signingKey,
  signVolcRequest,
  VOLC_ALGORITHM,
  type VolcCredentials,
  type VolcSignedRequest,
  type VolcSignInput,
} from "./volcengine-signing";
export {
  checkAreaRatio,
  nearestSize,
  OPENAI_MODELS,
  openAiModelRules,
  VOLCENGINE_SIZE_LIMITS,
  type AreaRatioLimits,
  type OpenAiModelRules,
  type ResolvedSize,
} from "./sizes";
export {
  IMAGE_PROVIDER_RATE_POLICY,
  imageProviderRatePolicy,
  intervalGate,
  limiterGate,
} from "./rate-gate";
