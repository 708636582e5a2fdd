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

export type RenderTaskResult = RenderTaskSuccess | RenderTaskFailure;

/** The part of the card engine a worker needs. */
export interface CardComposer {
  compose(request: ComposeRequest): ComposedCard;
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
  return async function renderCard(job: RenderJob): Promise<RenderTaskResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const imageScale = job.format === "svg" ? SVG_IMAGE_SCALE : job.scale;
      const box = { width: job.card.width * imageScale, height: job.card.height * imageScale };
      const images: Record<string, EmbeddedImage> = {};
      for (const [field, source] of Object.entries(job.images)) {
        images[field] = await embedImage(field, source, box);
      }
      const composed = engine.compose({ ...job.card, images });
      // Composing makes most of a render's short-lived objects, so the young generation is
      // usually collected during it (see RENDER_YOUNG_GENERATION_MB in pool.ts). The native memory
      // of what was collected (an earlier render's pixels) is released from the event loop:
      // turning it once here frees that memory before resvg allocates as much again, so resvg
      // gets pages that are still mapped instead of fresh ones.
      await new Promise((resolve) => setImmediate(resolve));
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
