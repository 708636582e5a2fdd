import {
  deleteUpload,
  DeleteUploadInput,
  listUploads,
  ListUploadsInput,
} from "@genflow/core/uploads";
import type { Upload } from "@genflow/core/uploads";

import type { Context } from "../context";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** Where an upload's bytes are served to its owner, as an absolute URL. */
export function uploadUrl(ctx: Pick<Context, "services">, id: string): string {
  return `${ctx.services.config.publicUrl}/api/uploads/${id}`;
}

/** An upload as the API shows it: with the URL its bytes are served at. */
export function withUploadUrl(ctx: Pick<Context, "services">, upload: Upload) {
  return { ...upload, url: uploadUrl(ctx, upload.id) };
}

/**
 * The caller's uploaded images (to use in cards as `upload:<id>`). Uploading itself is
 * `POST /api/uploads` with the raw bytes, which tRPC does not carry.
 */
export const uploadsRouter = createTRPCRouter({
  /** The caller's uploads, newest first, with the URL each is served at. */
  list: protectedProcedure.input(ListUploadsInput).query(async ({ ctx, input }) => {
    const page = await listUploads(ctx.services.uploads, { ...input, userId: ctx.user.id });
    return {
      items: page.items.map((upload) => withUploadUrl(ctx, upload)),
      nextCursor: page.nextCursor,
    };
  }),

  /** Deletes one of the caller's uploads; cards already made from it keep their images. */
  delete: protectedProcedure.input(DeleteUploadInput).mutation(async ({ ctx, input }) => {
    await deleteUpload(ctx.services.uploads, { userId: ctx.user.id, id: input.id });
    return { id: input.id };
  }),
});
