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

import type { Context } from "../context";
import { createTRPCRouter, enforceRateLimit, protectedProcedure, publicProcedure } from "../trpc";
import { uploadsRouter } from "./uploads";

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

  /** The caller's uploaded images, to use in image fields as `upload:<id>`. */
  uploads: uploadsRouter,
});
