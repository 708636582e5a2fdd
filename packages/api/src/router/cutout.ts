import {
  ComposeCutoutInput,
  composeCutoutOutput,
  CUTOUT_BATCH_MAX,
  CUTOUT_MAX_BYTES,
  CUTOUT_TIERS,
  CutoutOptions,
  cutoutOptionsFromText,
  deleteCutout,
  getCutout,
  listCutouts,
  ListCutoutsInput,
  type Cutout,
  type CutoutServices,
} from "@genflow/core/cutout";
import { DomainError, isDomainError } from "@genflow/core/errors";
import { CUTOUT_BATCH_KIND, startCutout } from "@genflow/core/tasks/cutout-batch";
import { createTask } from "@genflow/core/tasks";
import type { CutoutOutputRecord } from "@genflow/db";
import { z } from "zod";

import type { Context } from "../context";
import { createTRPCRouter, enforceRateLimit, protectedProcedure } from "../trpc";
import { withFileUrls } from "./tasks";

/** Where a cut-out's file (`source`, `mask.png`, a view or an output's name) is served. */
export function cutoutFileUrl(ctx: Pick<Context, "services">, id: string, name: string): string {
  return `${ctx.services.config.publicUrl}/api/cutouts/${id}/${encodeURIComponent(name)}`;
}

/**
 * A cut-out as the API shows it: with the URLs of its photo, mask and outputs, of a WebP copy of
 * the photo any browser shows (`previewUrl`) and of a thumbnail of the subject (`thumbnailUrl`).
 */
export function withCutoutUrls(ctx: Pick<Context, "services">, cutout: Cutout) {
  return {
    ...cutout,
    sourceUrl: cutoutFileUrl(ctx, cutout.id, "source"),
    maskUrl: cutoutFileUrl(ctx, cutout.id, "mask.png"),
    previewUrl: cutoutFileUrl(ctx, cutout.id, "preview.webp"),
    thumbnailUrl: cutoutFileUrl(ctx, cutout.id, "thumb.webp"),
    outputs: cutout.outputs.map((output) => withOutputUrl(ctx, cutout.id, output)),
  };
}

function withOutputUrl(ctx: Pick<Context, "services">, id: string, output: CutoutOutputRecord) {
  return { ...output, url: cutoutFileUrl(ctx, id, output.name) };
}

/** The cut-out services, or UNAVAILABLE on a host that runs without them. */
function cutoutOf(ctx: Pick<Context, "services">): CutoutServices {
  const cutout = ctx.services.cutout;
  if (!cutout) throw new DomainError("UNAVAILABLE", "Background removal is not set up here");
  return cutout;
}

/** Passes a busy engine's retry hint on as `Retry-After`. */
async function withRetryAfter<T>(
  ctx: Pick<Context, "appendResponseHeader">,
  run: () => Promise<T>,
) {
  try {
    return await run();
  } catch (error) {
    if (isDomainError(error) && error.code === "LIMIT_EXCEEDED" && error.retryAfterMs) {
      ctx.appendResponseHeader(
        "Retry-After",
        String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))),
      );
    }
    throw error;
  }
}

/** The photo and options of a multipart form, or what is wrong with it, by field. */
function fromForm(
  form: FormData,
):
  | { image: File; options: z.output<typeof CutoutOptions> }
  | { problems: Record<string, string[]> } {
  const image = form.get("image");
  const parsed = cutoutOptionsFromText(form.get("options"));
  const problems = "problems" in parsed ? { ...parsed.problems } : {};
  if (!(image instanceof File)) problems["image"] = ["Attach the photo as the form field image"];
  if (!(image instanceof File) || "problems" in parsed) return { problems };
  return { image, options: parsed.options };
}

/**
 * A photo to cut out: multipart form data with the file in `image` (and the options as JSON text
 * in `options`), or `{ uploadId, options }` naming one of the caller's uploads. A form's problems
 * are reported by the procedure, field by field.
 */
export const ProcessCutoutInput = z.union([
  z.instanceof(FormData).transform(fromForm),
  z.strictObject({ uploadId: z.uuid(), options: CutoutOptions.prefault({}) }),
]);

export const BatchCutoutInput = z.strictObject({
  uploadIds: z.array(z.uuid()).min(1).max(CUTOUT_BATCH_MAX),
  options: CutoutOptions.prefault({}),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});

/**
 * Background removal. `process` cuts out one photo (sent as multipart form data, or an upload's
 * id): small photos answer at once with the result's URL, size and timings; big ones become a
 * task. Every cut-out keeps its photo and mask, so `compose` makes more images from it (another
 * background, the mask, a crop) without running the model again.
 */
export const cutoutRouter = createTRPCRouter({
  process: protectedProcedure.input(ProcessCutoutInput).mutation(async ({ ctx, input }) => {
    const cutout = cutoutOf(ctx);
    await enforceRateLimit(ctx, "cutout", `user:${ctx.user.id}`);
    if ("problems" in input) {
      throw new DomainError("VALIDATION", "The form is not valid", {
        details: { fieldErrors: input.problems },
      });
    }
    let source;
    if ("image" in input) {
      if (input.image.size > CUTOUT_MAX_BYTES) {
        throw new DomainError(
          "PAYLOAD_TOO_LARGE",
          `The image is larger than ${CUTOUT_MAX_BYTES / 1024 / 1024} MiB`,
          {
            details: { bytes: input.image.size, maxBytes: CUTOUT_MAX_BYTES },
          },
        );
      }
      source = {
        bytes: new Uint8Array(await input.image.arrayBuffer()),
        fileName: input.image.name || undefined,
      };
    } else {
      source = { uploadId: input.uploadId };
    }
    const started = await withRetryAfter(ctx, () =>
      startCutout(
        { cutout, tasks: ctx.services },
        { userId: ctx.user.id, source, options: input.options },
      ),
    );
    if (started.status === "queued") {
      return { status: "queued" as const, task: withFileUrls(ctx, started.task) };
    }
    return {
      status: "done" as const,
      cutout: withCutoutUrls(ctx, started.cutout),
      output: withOutputUrl(ctx, started.cutout.id, started.output),
      timings: started.timings,
    };
  }),

  /** Another image from a cut-out: the mask, another background, a crop; no model run. */
  compose: protectedProcedure.input(ComposeCutoutInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "api", `user:${ctx.user.id}`);
    const { cutout, output, composeMs } = await composeCutoutOutput(cutoutOf(ctx), {
      userId: ctx.user.id,
      input,
    });
    return {
      cutout: withCutoutUrls(ctx, cutout),
      output: withOutputUrl(ctx, cutout.id, output),
      composeMs,
    };
  }),

  /** Several uploads at once, as a `cutout.batch` task (progress per photo; a zip at the end). */
  batch: protectedProcedure.input(BatchCutoutInput).mutation(async ({ ctx, input }) => {
    cutoutOf(ctx);
    await enforceRateLimit(ctx, "cutout", `user:${ctx.user.id}`);
    const { task, created } = await createTask(ctx.services, {
      userId: ctx.user.id,
      input: {
        kind: CUTOUT_BATCH_KIND,
        input: {
          items: input.uploadIds.map((uploadId) => ({ uploadId })),
          options: input.options,
        },
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      },
    });
    return { task: withFileUrls(ctx, task), created };
  }),

  /** The caller's cut-outs, newest first. */
  list: protectedProcedure.input(ListCutoutsInput).query(async ({ ctx, input }) => {
    const page = await listCutouts(cutoutOf(ctx), { ...input, userId: ctx.user.id });
    return {
      items: page.items.map((cutout) => withCutoutUrls(ctx, cutout)),
      nextCursor: page.nextCursor,
    };
  }),

  byId: protectedProcedure
    .input(z.object({ id: z.string().max(100) }))
    .query(async ({ ctx, input }) =>
      withCutoutUrls(ctx, await getCutout(cutoutOf(ctx), { userId: ctx.user.id, id: input.id })),
    ),

  delete: protectedProcedure
    .input(z.object({ id: z.string().max(100) }))
    .mutation(async ({ ctx, input }) => {
      await deleteCutout(cutoutOf(ctx), { userId: ctx.user.id, id: input.id });
      return { id: input.id };
    }),

  /**
   * The models: each one's id, tier, licence, whether it is loaded or broken; the queue's length
   * and the recent median inference time. Never a file path.
   */
  models: protectedProcedure.query(({ ctx }) => {
    const cutout = ctx.services.cutout;
    if (!cutout) return { available: false, tiers: CUTOUT_TIERS, models: [], queue: null };
    const stats = cutout.engine.stats();
    return {
      available: true,
      tiers: CUTOUT_TIERS,
      models: cutout.registry().map((model) => ({
        id: model.config.id,
        tier: model.tier,
        inputSize: model.config.inputSize,
        licence: model.config.licence,
        loaded: model.loaded,
        error: model.error,
      })),
      queue: { queued: stats.queued, running: stats.running, p50InferMs: stats.p50InferMs },
    };
  }),
});
