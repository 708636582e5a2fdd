import {
  CARD_FILE_EXT,
  CardHistoryInput,
  cardHistory,
  createCard,
  CreateCardInput,
  deleteCard,
  DeleteCardInput,
  listTemplates,
  previewCard,
  type CardSummary,
  type CreatedCard,
} from "@genflow/core/generate";
import { IMAGE_PROVIDER_IDS } from "@genflow/core/image-providers";
import { createTask } from "@genflow/core/tasks";
import { CARDS_BATCH_KIND, CardsBatchInput } from "@genflow/core/tasks/cards-batch";
import {
  createImageTask,
  ImageGenerateInput,
  imageProviderOf,
} from "@genflow/core/tasks/image-generate";
import { z } from "zod";

import type { Context } from "../context";
import { createTRPCRouter, enforceRateLimit, protectedProcedure, publicProcedure } from "../trpc";
import { withFileUrls } from "./tasks";
import { uploadsRouter } from "./uploads";

/** A batch of cards, and the caller's key that makes creating it at most once. */
export const CreateBatchInput = z.object({
  batch: CardsBatchInput,
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});

/** Images from a text prompt, and the caller's key that makes creating the task at most once. */
export const CreateImageInput = z.object({
  image: ImageGenerateInput,
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});

/** Whether this server can make images from text, and with what (never its credentials). */
export const ImageProviderStatus = z.object({
  configured: z.boolean(),
  provider: z.enum(IMAGE_PROVIDER_IDS).nullable(),
  model: z.string().nullable(),
});
export type ImageProviderStatus = z.infer<typeof ImageProviderStatus>;

/** Where a card's image (or any `<key>.<ext>` name) is served, as an absolute URL. */
export function cardImageUrl(ctx: Pick<Context, "services">, name: string): string {
  return `${ctx.services.config.publicUrl}/api/images/${name}`;
}

function withUrl(ctx: Pick<Context, "services">, card: CreatedCard) {
  return { ...card, url: cardImageUrl(ctx, `${card.key}.${CARD_FILE_EXT[card.format]}`) };
}

function withUrls(ctx: Pick<Context, "services">, card: CardSummary) {
  return {
    ...card,
    url: cardImageUrl(ctx, card.image),
    thumbnailUrl: cardImageUrl(ctx, card.thumbnailKey),
  };
}

export const generateRouter = createTRPCRouter({
  /** The built-in templates: fields as JSON Schema, defaults, samples, themes. */
  templates: publicProcedure.query(() => ({ templates: listTemplates() })),

  /**
   * Renders a card (or finds it already rendered) and records it in the caller's history. The
   * image is served at `url`; its strong ETag never changes for the same content.
   */
  card: protectedProcedure.input(CreateCardInput).mutation(async ({ ctx, input, signal }) => {
    await enforceRateLimit(ctx, "generate", `user:${ctx.user.id}`);
    const card = await createCard(ctx.services.generate, {
      userId: ctx.user.id,
      input,
      ...(signal ? { signal } : {}),
    });
    return withUrl(ctx, card);
  }),

  /**
   * The card as SVG for a live preview while editing: validated and rendered like a card, but
   * neither stored nor added to the history.
   */
  preview: protectedProcedure.input(CreateCardInput).mutation(async ({ ctx, input, signal }) =>
    previewCard(ctx.services.generate, {
      userId: ctx.user.id,
      input,
      ...(signal ? { signal } : {}),
    }),
  ),

  /** The caller's cards, newest first, with image and thumbnail URLs. */
  history: protectedProcedure.input(CardHistoryInput).query(async ({ ctx, input }) => {
    const page = await cardHistory(ctx.services.generate, { ...input, userId: ctx.user.id });
    return { items: page.items.map((card) => withUrls(ctx, card)), nextCursor: page.nextCursor };
  }),

  /** Deletes one of the caller's cards; its image goes too unless another card shares it. */
  delete: protectedProcedure.input(DeleteCardInput).mutation(async ({ ctx, input }) => {
    await deleteCard(ctx.services.generate, { userId: ctx.user.id, id: input.id });
    return { id: input.id };
  }),

  /**
   * Many cards from one template and rows of JSON or CSV, as a task: it renders in the background,
   * reports progress, and ends with a zip of the cards (see `tasks`).
   */
  batch: protectedProcedure.input(CreateBatchInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "generate", `user:${ctx.user.id}`);
    const { task, created } = await createTask(ctx.services, {
      userId: ctx.user.id,
      input: {
        kind: CARDS_BATCH_KIND,
        input: input.batch,
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      },
    });
    return { task: withFileUrls(ctx, task), created };
  }),

  /**
   * Images from a text prompt, as a task: the configured provider makes them in the background,
   * and the task ends with each image (`url`, a WebP `thumbnailUrl`, its size) and `images.zip`
   * (see `tasks`). UNAVAILABLE when no image provider is configured (see `imageProvider`).
   */
  image: protectedProcedure.input(CreateImageInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "generate", `user:${ctx.user.id}`);
    const { task, created } = await createImageTask(ctx.services, {
      userId: ctx.user.id,
      input: input.image,
      idempotencyKey: input.idempotencyKey,
    });
    return { task: withFileUrls(ctx, task), created };
  }),

  /** Whether `image` can be used here: the provider and model, or `configured: false`. */
  imageProvider: protectedProcedure.output(ImageProviderStatus).query(({ ctx }) => {
    const info = imageProviderOf(ctx.services.tasks.kinds);
    return info
      ? { configured: true, provider: info.id, model: info.model }
      : { configured: false, provider: null, model: null };
  }),

  /** The caller's uploaded images, to use in image fields as `upload:<id>`. */
  uploads: uploadsRouter,
});
