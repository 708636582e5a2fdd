import { setTimeout as delay } from "node:timers/promises";

import { sniffImage } from "../uploads/sniff";
import { deadlineExceeded, malformedResponse, networkError, requestTimeout } from "./errors";
import type { GeneratedImageMime, ImageProviderId, RateGate } from "./ports";

export interface HttpReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface SendOptions {
  provider: ImageProviderId;
  /** The run's signal: the caller's, possibly joined with a deadline. */
  signal: AbortSignal;
  /** This one request's timeout, covering the response body too. */
  timeoutMs: number;
  rateGate?: RateGate | undefined;
}

/**
 * One HTTP request with the global fetch. Rejects with `signal.reason` once `signal` aborts (the
 * caller sorts out why), with TIMEOUT when this request alone ran out of time, and with
 * UNAVAILABLE (retryable) when the network failed. Any HTTP status resolves.
 */
export async function send(
  url: string,
  init: RequestInit,
  options: SendOptions,
): Promise<HttpReply> {
  const { provider, signal, timeoutMs } = options;
  signal.throwIfAborted();
  if (options.rateGate) await options.rateGate(signal);
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.any([signal, timeout]) });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw requestTimeout(provider, timeoutMs, error);
    throw networkError(provider, error);
  }
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonOf(reply: HttpReply): unknown {
  try {
    return JSON.parse(reply.body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` under the caller's signal joined with an overall deadline. Rejects with the
 * caller's `signal.reason` when the caller aborted (the platform convention, as `fetch` does),
 * and with TIMEOUT (retryable) when the deadline passed first.
 */
export async function withDeadline<T>(
  provider: ImageProviderId,
  signal: AbortSignal,
  deadlineMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    return await work(AbortSignal.any([signal, deadline]));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (deadline.aborted) throw deadlineExceeded(provider, deadlineMs);
    throw error;
  }
}

/** Waits `ms`, rejecting as soon as `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date), if there is a usable one. */
export function retryAfterMs(headers: Headers, now: Date): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Decodes one base64 image and checks by its bytes that it is a PNG, JPEG or WebP. */
export function decodeImage(
  provider: ImageProviderId,
  base64: string,
): { bytes: Buffer; mime: GeneratedImageMime } {
  const bytes = Buffer.from(base64, "base64");
  return { bytes, mime: imageMime(provider, bytes) };
}

export function imageMime(provider: ImageProviderId, bytes: Buffer): GeneratedImageMime {
  const mime = sniffImage(bytes);
  if (!mime)
    throw malformedResponse(provider, "returned something that is not a PNG, JPEG or WebP");
  return mime;
}
