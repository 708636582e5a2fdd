import { schema } from "@genflow/db";
import { and, eq, or, sql } from "drizzle-orm";

import { notFound } from "../errors";
import { cardBlobKey, cardEtag } from "./cache-key";
import { cardThumbnail } from "./thumbnail";
import type { GenerateDeps } from "./ports";
import {
  CARD_FILE_EXT,
  CARD_MIME,
  ReadCardImageInput,
  type CardImage,
  type CardImageExt,
  type CreatedCard,
} from "./schemas";

export interface ReadCardImageParams {
  key: string;
  ext: CardImageExt | (string & {});
  /** The signed-in viewer, if any: their private cards are visible to them. */
  viewerUserId?: string | undefined;
}

/**
 * A card's image (or its thumbnail, with `thumb.webp`) by key, for serving. Visible when any card
 * with these bytes is public, or is the viewer's own; anything else is NOT_FOUND, exactly as for a
 * key that does not exist, so private cards do not reveal themselves.
 */
export async function readCardImage(
  deps: Pick<GenerateDeps, "db" | "blobs" | "log">,
  params: ReadCardImageParams,
): Promise<CardImage> {
  const parsed = ReadCardImageInput.safeParse({ key: params.key, ext: params.ext });
  if (!parsed.success) throw notFound("Card image");
  const { key, ext } = parsed.data;
  const t = schema.cards;
  const viewer = params.viewerUserId;
  const [card] = await deps.db
    .select({ format: t.format, visibility: t.visibility, width: t.width })
    .from(t)
    .where(
      and(
        eq(t.key, key),
        viewer === undefined
          ? eq(t.visibility, "public")
          : or(eq(t.visibility, "public"), eq(t.userId, viewer)),
      ),
    )
    .orderBy(sql`${t.visibility} = 'public' desc`)
    .limit(1);
  if (!card) throw notFound("Card image");
  if (ext !== "thumb.webp" && CARD_FILE_EXT[card.format] !== ext) throw notFound("Card image");
  const imageExt = CARD_FILE_EXT[card.format];
  const image = await deps.blobs.get(cardBlobKey(key, imageExt));
  if (!image) {
    deps.log.warn({ key, ext: imageExt }, "a card's stored image is missing");
    throw notFound("Card image");
  }
  const bytes =
    ext === "thumb.webp"
      ? await cardThumbnail(deps.blobs, key, {
          bytes: image,
          mime: CARD_MIME[card.format],
          width: card.width,
        })
      : image;
  return {
    bytes,
    mime: ext === "thumb.webp" ? "image/webp" : CARD_MIME[card.format],
    visibility: card.visibility,
    etag: cardEtag(key, ext),
  };
}

/**
 * The image of a card `createCard` has just answered for its owner (who may always see it): from
 * this process's memory when it has the bytes, otherwise from blob storage.
 */
export async function createdCardImage(
  deps: Pick<GenerateDeps, "blobs" | "log" | "recent">,
  card: CreatedCard,
): Promise<CardImage> {
  const ext = CARD_FILE_EXT[card.format];
  const name = `${card.key}.${ext}`;
  let bytes = deps.recent?.bytes(name);
  if (!bytes) {
    bytes = await deps.blobs.get(cardBlobKey(card.key, ext));
    if (!bytes) {
      deps.log.warn({ key: card.key, ext }, "a card's stored image is missing");
      throw notFound("Card image");
    }
    deps.recent?.rememberBytes(name, bytes);
  }
  return { bytes, mime: card.mime, visibility: card.visibility, etag: card.etag };
}
