import { createHash } from "node:crypto";

import sharp, { type Metadata } from "sharp";

import { DomainError } from "../errors";
import { sniffImage } from "../uploads/sniff";
import type { EmbeddedImage } from "./card";
import type { SourceImage } from "./ports";
import { CARD_MAX_IMAGE_BYTES, CARD_MAX_IMAGE_PIXELS } from "./schemas";

/**
 * Image fields: what a caller may send and how it becomes a picture safe to inline into a card.
 *
 * Accepted are the caller's own uploads (`upload:<id>`, see card-uploads.ts) and data URLs of PNG,
 * JPEG and WebP files. Images are never fetched from a URL (the server must not be made to reach
 * addresses of the caller's choosing). Checking the type and encoded size is cheap and happens on
 * the request; decoding happens in the render worker, which refuses images with too many pixels
 * before decoding them, downsizes to what the card can show and re-encodes (PNG when there is
 * transparency, JPEG otherwise).
 */

const DATA_URL = /^data:(image\/(?:png|jpeg|jpg|webp));base64,/i;

/** VALIDATION naming an image field, with `fieldErrors` like every other validation error. */
export function invalidImage(
  field: string,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
) {
  return new DomainError("VALIDATION", message, {
    // `fieldErrors` like every other validation error, so forms can mark the field.
    details: { field, fieldErrors: { [field]: [message] }, ...details },
    cause,
  });
}

/** Length of the bytes a base64 text decodes to (`undefined` if its length cannot be base64). */
function decodedLength(base64: string): number | undefined {
  if (base64.length % 4 !== 0) return undefined;
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * Checks an image field's data URL and decodes it, without looking at its pixels. Throws
 * VALIDATION for anything but a PNG, JPEG or WebP data URL (with a message saying why when it is
 * a URL: URLs are not fetched) and PAYLOAD_TOO_LARGE above `CARD_MAX_IMAGE_BYTES`. Upload
 * references are resolved apart (see card-uploads.ts).
 */
export function readImageField(field: string, value: string): SourceImage {
  if (/^https?:/i.test(value)) {
    throw invalidImage(
      field,
      `"${field}": images are not downloaded from URLs; upload the image and use its reference (upload:<id>), or send it as a data URL (data:image/png;base64,…)`,
    );
  }
  const header = DATA_URL.exec(value.slice(0, 40));
  if (!header) {
    throw invalidImage(
      field,
      `"${field}" must be an uploaded image (upload:<id>) or a data URL of a PNG, JPEG or WebP image (data:image/png;base64,…)`,
    );
  }
  const base64 = value.slice(header[0].length);
  const expected = decodedLength(base64);
  if (expected !== undefined && expected > CARD_MAX_IMAGE_BYTES) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `"${field}" is too large: images may be at most ${CARD_MAX_IMAGE_BYTES / 1024 / 1024} MB`,
      { details: { field, limitBytes: CARD_MAX_IMAGE_BYTES, bytes: expected } },
    );
  }
  const bytes = Buffer.from(base64, "base64");
  // Buffer.from skips characters outside the alphabet, so a short result means malformed text.
  if (expected === undefined || bytes.length !== expected || expected === 0) {
    throw invalidImage(field, `"${field}" is not valid base64`);
  }
  const mime = sniffImage(bytes);
  if (!mime) throw invalidImage(field, `"${field}" is not a PNG, JPEG or WebP image`);
  return { mime, bytes };
}

/** SHA-256 hex of an image's bytes (hashed off the event loop), for the card's cache key. */
export function imageDigest(image: SourceImage): string {
  return createHash("sha256").update(image.bytes).digest("hex");
}

/** Largest picture, in pixels, that the card can show (the whole card at its output scale). */
export interface ImageBox {
  width: number;
  height: number;
}

/**
 * Decodes an image and prepares it for inlining: refuses it unread when it has more than
 * `CARD_MAX_IMAGE_PIXELS`, applies its EXIF orientation, shrinks it until it just covers `box`
 * (never enlarging) and re-encodes it. Runs in the render worker.
 */
export async function embedImage(
  field: string,
  source: SourceImage,
  box: ImageBox,
): Promise<EmbeddedImage> {
  let meta: Metadata;
  try {
    // Reads the header only; the pixel count is checked below, with a message of our own.
    meta = await sharp(source.bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw invalidImage(field, `"${field}" could not be read as an image`, {}, error);
  }
  const { width, height } = meta;
  if (!width || !height) throw invalidImage(field, `"${field}" could not be read as an image`);
  if (width * height > CARD_MAX_IMAGE_PIXELS) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `"${field}" has too many pixels (${width}×${height}); images may have at most ${CARD_MAX_IMAGE_PIXELS / 1_000_000} megapixels`,
      { details: { field, limitPixels: CARD_MAX_IMAGE_PIXELS, width, height } },
    );
  }
  const pipeline = sharp(source.bytes, { limitInputPixels: CARD_MAX_IMAGE_PIXELS, failOn: "error" })
    .rotate()
    .resize({
      width: Math.max(1, Math.round(box.width)),
      height: Math.max(1, Math.round(box.height)),
      fit: "outside",
      withoutEnlargement: true,
    });
  const alpha = meta.hasAlpha === true;
  try {
    const { data, info } = await (
      alpha ? pipeline.png({ compressionLevel: 6 }) : pipeline.jpeg({ quality: 90 })
    ).toBuffer({ resolveWithObject: true });
    return {
      mime: alpha ? "image/png" : "image/jpeg",
      base64: data.toString("base64"),
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    throw invalidImage(field, `"${field}" could not be read as an image`, {}, error);
  }
}
