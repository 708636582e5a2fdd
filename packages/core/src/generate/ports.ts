import type { CoreDeps } from "../context";
import type { BlobStorage } from "../ports";
import type { CardWarning, ComposeRequest, ImageFormat } from "./card";
import type { RecentCards } from "./recent-cards";

/**
 * What the card pipeline needs from the outside world: somewhere to keep rendered bytes, something
 * that renders off the event loop, and somewhere to report how it is going. Hosts build these once
 * (apps/server) and pass them in with the core dependencies.
 */

/** Where rendered bytes are kept: the shared blob storage port. */
export type { BlobStorage };

/** Which pool a render runs in: AVIF encodes are slow, so they queue separately from the rest. */
export type RenderLane = "standard" | "avif";

/**
 * An image field's value as the caller sent it, checked for type and encoded size but not yet
 * decoded: decoding, the pixel limit and downscaling happen in the render worker.
 */
export interface SourceImage {
  mime: "image/png" | "image/jpeg" | "image/webp";
  bytes: Uint8Array;
}

/** One render: the card to compose and the output wanted. */
export interface RenderJob {
  /** The compose request without images; `images` below are resolved into it in the worker. */
  card: Omit<ComposeRequest, "images">;
  images: Record<string, SourceImage>;
  format: ImageFormat;
  /** Output pixels per card pixel (1–3). */
  scale: number;
  /** Encoder quality 1–100 (for PNG, below 100 selects a quantised palette). */
  quality: number;
}

export interface RenderedCard {
  bytes: Uint8Array;
  mime: string;
  /** Output size in pixels (the card's size times the scale; for SVG, the card's size). */
  width: number;
  height: number;
  warnings: CardWarning[];
}

export interface RenderOptions {
  /** Aborts the render (or its wait in the queue) when the caller goes away. */
  signal?: AbortSignal;
  /** Overrides the renderer's timeout for this render. */
  timeoutMs?: number;
  /**
   * The job's content address: renders asked for with the same key while one is under way share
   * it (one render, every caller gets its card). It is stopped only when every caller has gone.
   */
  key?: string;
}

/**
 * Renders cards away from the event loop. Throws `DomainError` LIMIT_EXCEEDED (with
 * `retryAfterMs`) when its queue is full, TIMEOUT when a render takes too long, and VALIDATION /
 * PAYLOAD_TOO_LARGE for images it cannot accept.
 */
export interface CardRenderer {
  render(job: RenderJob, options?: RenderOptions): Promise<RenderedCard>;
  /** Renders waiting for a thread, per lane. */
  queued(): Record<RenderLane, number>;
  /** Stops accepting work and ends the worker threads. */
  close(): Promise<void>;
}

export type RenderRejection = "queue_full" | "timeout";

/**
 * The card pipeline's measurements. The host implements it (with prom-client histograms, counters
 * and gauges); every method must be cheap and must not throw.
 */
export interface GenerateMetrics {
  /** Wall time of one render in a worker, queue wait excluded. */
  renderDuration(labels: { template: string; format: ImageFormat }, seconds: number): void;
  /** Renders waiting for a thread, reported whenever it changes. */
  queueLength(lane: RenderLane, length: number): void;
  /** Whether a card request was answered from already rendered bytes. */
  cacheLookup(result: "hit" | "miss"): void;
  /** A render refused because the queue was full, or stopped because it took too long. */
  rejected(lane: RenderLane, reason: RenderRejection): void;
}

/** What the card use cases are given: the core dependencies plus the card pipeline's own. */
export interface GenerateDeps extends CoreDeps {
  blobs: BlobStorage;
  renderer: CardRenderer;
  metrics?: GenerateMetrics;
  /** This process's memory of recent answers; without it every request reads the database. */
  recent?: RecentCards;
}
