import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";

import type { CoreDeps } from "../context";
import { DomainError } from "../errors";
import { readCardImage } from "../generate/read-card-image";
import { CARD_FILE_EXT } from "../generate/schemas";
import type { BlobStorage } from "../ports";
import { readUpload } from "../uploads/read-upload";
import type { ArticleActor } from "./schemas";
import { canEdit, notFound, publishedContent } from "./store";

export interface ArticleCoverFile {
  bytes: Uint8Array;
  contentType: string;
}

export interface ArticleCoverDeps extends Pick<CoreDeps, "db" | "log"> {
  /** Where uploads keep their bytes. */
  uploadBlobs: BlobStorage;
  /** Where cards keep their images. */
  cardBlobs: BlobStorage;
}

const coverNotFound = () => new DomainError("NOT_FOUND", "Cover not found");

/**
 * The picture an article shows as its cover, for whoever may read that copy of the article: its
 * author and admins (working or published copy), signed-in readers (the published copy), anyone
 * for a public article's published copy. The author's own upload or card, whatever its own
 * privacy: the article is what is shared. NOT_FOUND for anything else.
 */
export async function readArticleCover(
  deps: ArticleCoverDeps,
  params: { actor: ArticleActor | null; articleId: string; coverId: string },
): Promise<ArticleCoverFile> {
  const ids = z.object({ articleId: z.uuid(), coverId: z.uuid() }).safeParse(params);
  if (!ids.success) throw coverNotFound();
  const [row] = await deps.db
    .select()
    .from(schema.articles)
    .where(eq(schema.articles.id, ids.data.articleId));
  if (!row) throw notFound();
  const editor = params.actor !== null && canEdit(row, params.actor);
  const covers = [];
  if (editor) covers.push(row.cover);
  const reader = row.status === "published" && row.deletedAt === null;
  if (editor || (reader && (params.actor !== null || row.isPublic))) {
    covers.push((await publishedContent(deps.db, row))?.cover ?? null);
  }
  const cover = covers.find((candidate) => candidate?.id === ids.data.coverId);
  if (!cover) throw coverNotFound();

  if (cover.kind === "upload") {
    const { upload, bytes } = await readUpload(
      { db: deps.db, blobs: deps.uploadBlobs, log: deps.log },
      { userId: row.userId, id: cover.id },
    );
    return { bytes, contentType: upload.mime };
  }
  const [card] = await deps.db
    .select({ key: schema.cards.key, format: schema.cards.format })
    .from(schema.cards)
    .where(and(eq(schema.cards.id, cover.id), eq(schema.cards.userId, row.userId)));
  if (!card) throw coverNotFound();
  const image = await readCardImage(
    { db: deps.db, blobs: deps.cardBlobs, log: deps.log },
    { key: card.key, ext: CARD_FILE_EXT[card.format], viewerUserId: row.userId },
  );
  return { bytes: image.bytes, contentType: image.mime };
}
