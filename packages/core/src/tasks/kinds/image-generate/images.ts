import { zipSync, type Zippable } from "fflate";
import sharp, { type Metadata } from "sharp";

import { ImageProviderError, providerName } from "../../../image-providers/errors";
import type { ImageProviderId } from "../../../image-providers";

/** The most pixels a provider's image may have; more is refused unread. */
export const IMAGE_GENERATE_MAX_PIXELS = 50_000_000;
/** The long side of a thumbnail (never enlarged). */
export const IMAGE_THUMBNAIL_SIZE = 384;
const THUMBNAIL_QUALITY = 75;

const FORMATS = {
  png: { contentType: "image/png", ext: "png" },
  jpeg: { contentType: "image/jpeg", ext: "jpg" },
  webp: { contentType: "image/webp", ext: "webp" },
} as const;

/** One provider image, decoded once, with its thumbnail. */
export interface CheckedImage {
  bytes: Uint8Array;
  contentType: (typeof FORMATS)[keyof typeof FORMATS]["contentType"];
  ext: (typeof FORMATS)[keyof typeof FORMATS]["ext"];
  width: number;
  height: number;
  /** WebP, at most `IMAGE_THUMBNAIL_SIZE` on the long side. */
  thumbnail: Uint8Array;
}

/**
 * Checks a provider's image by decoding it: its type comes from its header (PNG, JPEG or WebP,
 * whatever the provider declared), more than `IMAGE_GENERATE_MAX_PIXELS` is refused unread, and
 * drawing the thumbnail decodes every pixel, so a truncated or corrupt file is refused too.
 * Refusals are `ImageProviderError`s: a broken file is worth another try, an oversized one is not.
 */
export async function checkImage(
  provider: ImageProviderId,
  number: number,
  bytes: Uint8Array,
): Promise<CheckedImage> {
  const refused = (what: string, retryable: boolean, cause?: unknown) =>
    new ImageProviderError("UNAVAILABLE", `${providerName(provider)} ${what}`, {
      provider,
      retryable,
      cause,
    });
  const unreadable = (cause?: unknown) =>
    refused(
      `returned image ${number}, which could not be read as a PNG, JPEG or WebP`,
      true,
      cause,
    );

  let meta: Metadata;
  try {
    // Reads the header only; the pixel count is checked below, with a message of our own.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw unreadable(error);
  }
  const { width, height } = meta;
  const type = typeOf(meta.format);
  if (!type || !width || !height) throw unreadable();
  if (width * height > IMAGE_GENERATE_MAX_PIXELS) {
    throw refused(
      `returned image ${number} with ${width}×${height} pixels, more than the ${IMAGE_GENERATE_MAX_PIXELS / 1_000_000} megapixels accepted`,
      false,
    );
  }

  let thumbnail: Buffer;
  try {
    thumbnail = await sharp(bytes, { limitInputPixels: IMAGE_GENERATE_MAX_PIXELS, failOn: "error" })
      .resize({
        width: IMAGE_THUMBNAIL_SIZE,
        height: IMAGE_THUMBNAIL_SIZE,
        fit: "inside",
        withoutEnlargement: true,
      })
      .webp({ quality: THUMBNAIL_QUALITY })
      .toBuffer();
  } catch (error) {
    throw unreadable(error);
  }
  return { bytes, ...type, width, height, thumbnail };
}

function typeOf(format: string | undefined) {
  return format === "png" || format === "jpeg" || format === "webp" ? FORMATS[format] : undefined;
}

/** A zip of the files as they are (images are already compressed), dated `mtime`. */
export function zipFiles(files: { name: string; bytes: Uint8Array }[], mtime: Date): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) entries[file.name] = [file.bytes, { level: 0 }];
  return zipSync(entries, { mtime });
}
