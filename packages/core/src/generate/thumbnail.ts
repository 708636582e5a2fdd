import sharp from "sharp";

import { cardBlobKey } from "./cache-key";
import type { BlobStorage } from "./ports";
import { CARD_THUMBNAIL_WIDTH } from "./schemas";

const THUMBNAIL_QUALITY = 75;
/** Small images encode fast at any effort; 2 keeps it well under a millisecond or two. */
const THUMBNAIL_EFFORT = 2;

/**
 * A card's history thumbnail (WebP, `CARD_THUMBNAIL_WIDTH` wide), made from its stored image the
 * first time it is asked for and stored beside it. Renders never wait for it. sharp decodes and
 * resizes on libuv's thread pool, so the event loop is not held up; SVG cards are drawn by librsvg
 * straight at the thumbnail's width.
 */
export async function cardThumbnail(
  blobs: BlobStorage,
  key: string,
  image: { bytes: Uint8Array; mime: string; width: number },
): Promise<Uint8Array> {
  const thumbKey = cardBlobKey(key, "thumb.webp");
  const stored = await blobs.get(thumbKey);
  if (stored) return stored;
  const isSvg = image.mime === "image/svg+xml";
  // librsvg draws SVG at 72 dpi by default: pick the density that makes it thumbnail-wide.
  const source = isSvg
    ? sharp(image.bytes, { density: (72 * CARD_THUMBNAIL_WIDTH) / image.width })
    : sharp(image.bytes);
  const thumbnail = await source
    .resize({ width: CARD_THUMBNAIL_WIDTH, withoutEnlargement: !isSvg })
    .webp({ quality: THUMBNAIL_QUALITY, effort: THUMBNAIL_EFFORT })
    .toBuffer();
  await blobs.put(thumbKey, thumbnail, { contentType: "image/webp" });
  return thumbnail;
}
