import { performance } from "node:perf_hooks";

import { isDomainError, type ErrorCode } from "../../errors";
import type { ComposeRequest, ComposedCard, EmbeddedImage } from "../card";
import { embedImage } from "../images";
import type { RenderJob, RenderedCard } from "../ports";
import { CARD_MIME } from "../schemas";
import { rasterise, type Rasteriser } from "./rasterise";

/**
 * What a render worker does with one job: resolve its images, compose the card, rasterise it.
 * Failures come back as plain data, because an error thrown across a thread loses its class and
 * fields; the pool turns them back into `DomainError`s.
 */

export interface RenderTaskSuccess {
  ok: true;
  card: RenderedCard;
  /** Time spent in the worker, in milliseconds. */
  ms: number;
  rasteriser: Rasteriser | undefined;
}

export interface RenderTaskFailure {
  ok: false;
  code: ErrorCode;
  /** User-facing, as the `DomainError` had it. */
  message: string;
  details?: Record<string, unknown>;
  /** For the log only: what went wrong underneath. */
  cause?: string;
  ms: number;
}

/** A render whose caller went away (or whose time ran out) before it finished, left off at a stage boundary. */
export interface RenderTaskStopped {
  ok: false;
  stopped: true;
  ms: number;
}

export type RenderTaskResult = RenderTaskSuccess | RenderTaskFailure | RenderTaskStopped;

/**
 * What the pool sends a render thread: a warm-up, run once per thread as the pool starts, or a
 * render with its stop flag. The flag is one cell of shared memory the pool sets when nobody waits
 * for the card any more; the thread looks at it between stages (before starting, after the images,
 * after composing) and stops there. A thread is never ended from outside in the middle of a render:
 * `Worker.terminate()` landing inside a zlib call can abort the whole process (seen on Node 20).
 */
export type RenderTask =
  { kind: "warm" } | { kind: "render"; job: RenderJob; stop: Int32Array<SharedArrayBuffer> };

/** A stop flag for one render, set with `stopRender`. */
export function renderStopFlag(): Int32Array<SharedArrayBuffer> {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

export function stopRender(flag: Int32Array<SharedArrayBuffer>): void {
  Atomics.store(flag, 0, 1);
}

function isStopped(flag: Int32Array<SharedArrayBuffer>): boolean {
  return Atomics.load(flag, 0) !== 0;
}

/** The part of the card engine a worker needs. */
export interface CardComposer {
  compose(request: ComposeRequest): ComposedCard;
  /** Loads what every render needs (the fonts) before the first one; run in the warm-up task. */
  warm?(): void;
}

function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `thrown: ${JSON.stringify(error)}`;
  } catch {
    return "thrown: a value that cannot be shown";
  }
}

/** SVG output is resized freely by viewers, so its images keep enough pixels for a 2× screen. */
const SVG_IMAGE_SCALE = 2;

/** Builds the function a render worker runs for each job. */
export function createRenderHandler(engine: CardComposer) {
  let warm = false;
  const warmUp = () => {
    if (warm) return;
    engine.warm?.();
    warm = true;
  };
  return async function renderCard(task: RenderTask): Promise<RenderTaskResult | null> {
    // Warming up inside a task (not as the thread starts) lets the pool wait for it before it
    // ends the thread: font loading is hundreds of zlib calls.
    if (task.kind === "warm") {
      warmUp();
      return null;
    }
    const { job, stop } = task;
    let started = performance.now();
    const elapsed = () => performance.now() - started;
    const stopped = (): RenderTaskStopped => ({ ok: false, stopped: true, ms: elapsed() });
    if (isStopped(stop)) return stopped();
    try {
      if (!warm) {
        // A thread started after the pool (the AVIF lane's) warms up on its first render; the
        // render's own time starts after it.
        warmUp();
        started = performance.now();
      }
      const imageScale = job.format === "svg" ? SVG_IMAGE_SCALE : job.scale;
      const box = { width: job.card.width * imageScale, height: job.card.height * imageScale };
      const images: Record<string, EmbeddedImage> = {};
      for (const [field, source] of Object.entries(job.images)) {
        images[field] = await embedImage(field, source, box);
      }
      if (isStopped(stop)) return stopped();
      const composed = engine.compose({ ...job.card, images });
      // Composing makes most of a render's short-lived objects, so the young generation is
      // usually collected during it (see RENDER_YOUNG_GENERATION_MB in pool.ts). The native memory
      // of what was collected (an earlier render's pixels) is released from the event loop:
      // turning it once here frees that memory before resvg allocates as much again, so resvg
      // gets pages that are still mapped instead of fresh ones.
      await new Promise((resolve) => setImmediate(resolve));
      if (isStopped(stop)) return stopped();
      const raster = await rasterise(composed.svg, {
        format: job.format,
        width: composed.width,
        height: composed.height,
        scale: job.scale,
        quality: job.quality,
      });
      return {
        ok: true,
        card: {
          bytes: raster.bytes,
          mime: CARD_MIME[job.format],
          width: raster.width,
          height: raster.height,
          warnings: composed.warnings,
        },
        ms: elapsed(),
        rasteriser: raster.rasteriser,
      };
    } catch (error) {
      if (isDomainError(error)) {
        return {
          ok: false,
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
          ...(error.cause === undefined ? {} : { cause: describe(error.cause) }),
          ms: elapsed(),
        };
      }
      return {
        ok: false,
        code: "INTERNAL",
        message: "The card could not be rendered",
        cause: describe(error),
        ms: elapsed(),
      };
    }
  };
}
