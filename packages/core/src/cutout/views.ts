import sharp, { type Sharp } from "sharp";

import { subjectBox } from "./cutout-image";
import { CUTOUT_MAX_PIXELS, type EncodedImage } from "./schemas";

/**
 * Small images of a stored cut-out for the pages that list and show it: a copy of the photo any
 * browser can show (a TIFF or HEIF one cannot be shown as it is) and a thumbnail of the subject.
 * Both come from the stored photo and mask, without the model.
 */

/** The longer side of the photo's viewable copy, at most. */
export const PREVIEW_MAX_SIDE = 2048;
/** The thumbnail fits in a square of this side. */
export const THUMBNAIL_SIZE = 384;
/** Room around the subject in the thumbnail, as a fraction of its larger side. */
const THUMBNAIL_MARGIN = 0.06;

const readOptions = { limitInputPixels: CUTOUT_MAX_PIXELS, pages: 1 } as const;

async function encoded(image: Sharp): Promise<EncodedImage> {
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { bytes: data, contentType: "image/webp", width: info.width, height: info.height };
}

/** The photo upright, as WebP, its longer side at most `PREVIEW_MAX_SIDE` (never enlarged). */
export function photoPreview(photo: Uint8Array): Promise<EncodedImage> {
  return encoded(
    sharp(photo, readOptions)
      .rotate()
      .resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, { fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .webp({ quality: 82 }),
  );
}

/**
 * The subject on transparency, cropped to it with a little room, as WebP within
 * `THUMBNAIL_SIZE`²; the whole photo when the mask is empty. The photo is shrunk while it is
 * decoded, so a big one costs little more than a small one.
 */
export async function cutoutThumbnail(
  photo: Uint8Array,
  maskPng: Uint8Array,
): Promise<EncodedImage> {
  // Worked at twice the thumbnail's size, so the crop to the subject is still exact enough.
  const work = THUMBNAIL_SIZE * 2;
  const mask = await sharp(maskPng)
    .resize(work, work, { fit: "inside", withoutEnlargement: true })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = mask.info;
  const rgb = await sharp(photo, readOptions)
    .rotate()
    .resize(width, height, { fit: "fill" })
    .toColourspace("srgb")
    .removeAlpha()
    .raw()
    .toBuffer();
  const box = subjectBox(mask.data, width, height, THUMBNAIL_MARGIN) ?? {
    left: 0,
    top: 0,
    width,
    height,
  };
  // Joined first: sharp would crop the photo but not the joined mask.
  const subject = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .joinChannel(mask.data, { raw: { width, height, channels: 1 } })
    .raw()
    .toBuffer();
  return encoded(
    sharp(subject, { raw: { width, height, channels: 4 } })
      .extract(box)
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80, alphaQuality: 90 }),
  );
}
