import { performance } from "node:perf_hooks";

import sharp, { type Metadata, type Sharp } from "sharp";

import { DomainError } from "../errors";
import { parseInput } from "../validation";
import type { CutoutEngine } from "./inference/engine";
import type { CutoutModelConfig, CutoutTier } from "./models";
import { CUTOUT_MAX_BYTES, CUTOUT_MAX_PIXELS, CutoutOptions, type CutoutResult } from "./schemas";

export interface CutoutDeps {
  engine: CutoutEngine;
  /** The model of each tier. */
  models: Record<CutoutTier, CutoutModelConfig>;
}

interface Decoded {
  /** RGBA, 8 bits per channel, upright. */
  rgba: Buffer;
  width: number;
  height: number;
  /** Whether the photo had an alpha channel of its own. */
  hadAlpha: boolean;
}

function invalidImage(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError("VALIDATION", message, { details: { field: "image", ...details } });
}

/**
 * Decodes a photo upright (EXIF orientation applied) to 8-bit sRGB RGBA: JPEG, PNG (with alpha),
 * WebP, AVIF, GIF and TIFF, 16-bit and CMYK included; an animation gives its first frame.
 * Refuses empty or oversized files, data that is not an image, and images over the pixel limit
 * before decoding them.
 */
export async function decodePhoto(bytes: Uint8Array): Promise<Decoded> {
  if (bytes.length === 0) throw invalidImage("The image is empty");
  if (bytes.length > CUTOUT_MAX_BYTES) {
    throw invalidImage(`The image is larger than ${CUTOUT_MAX_BYTES / 1024 / 1024} MiB`, {
      bytes: bytes.length,
      maxBytes: CUTOUT_MAX_BYTES,
    });
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw invalidImage("The file is not an image GenFlow can read");
  }
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (pixels === 0) throw invalidImage("The file is not an image GenFlow can read");
  if (pixels > CUTOUT_MAX_PIXELS) {
    throw invalidImage(`The image has more than ${CUTOUT_MAX_PIXELS / 1_000_000} megapixels`, {
      width: metadata.width,
      height: metadata.height,
      maxPixels: CUTOUT_MAX_PIXELS,
    });
  }
  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: CUTOUT_MAX_PIXELS,
      failOn: "error",
      pages: 1,
    })
      .rotate()
      .toColourspace("srgb")
      .ensureAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    return {
      rgba: data,
      width: info.width,
      height: info.height,
      hadAlpha: metadata.hasAlpha === true,
    };
  } catch {
    throw invalidImage("The image is damaged or cut short");
  }
}

/** The photo stretched to the model's square, RGB. */
async function modelInput(photo: Decoded, size: number): Promise<Uint8Array> {
  const rgb = await sharp(photo.rgba, {
    raw: { width: photo.width, height: photo.height, channels: 4 },
  })
    .removeAlpha()
    .resize(size, size, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
  return new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length);
}

/** The model's square mask back at the photo's size, with the photo's own alpha and a threshold applied. */
async function photoMask(
  photo: Decoded,
  mask: Uint8Array,
  size: number,
  options: { keepAlpha: boolean; threshold: number | undefined },
): Promise<Buffer> {
  const alpha = await sharp(mask, { raw: { width: size, height: size, channels: 1 } })
    .resize(photo.width, photo.height, { fit: "fill", kernel: "cubic" })
    // sharp widens one-channel pixels to sRGB unless told to keep the one channel.
    .extractChannel(0)
    .raw()
    .toBuffer();
  const keep = options.keepAlpha && photo.hadAlpha;
  if (keep || options.threshold !== undefined) {
    for (let i = 0; i < alpha.length; i++) {
      let value = alpha[i] ?? 0;
      if (options.threshold !== undefined) value = value >= options.threshold ? 255 : 0;
      if (keep) value = Math.min(value, photo.rgba[i * 4 + 3] ?? 255);
      alpha[i] = value;
    }
  }
  return alpha;
}

/** The box around the subject (alpha ≥ 128), grown by `margin` of its larger side; null when empty. */
function subjectBox(alpha: Buffer, width: number, height: number, margin: number) {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((alpha[row + x] ?? 0) < 128) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (right < 0) return null;
  const grow = Math.round(Math.max(right - left + 1, bottom - top + 1) * margin);
  left = Math.max(0, left - grow);
  top = Math.max(0, top - grow);
  right = Math.min(width - 1, right + grow);
  bottom = Math.min(height - 1, bottom + grow);
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * Removes a photo's background: the subject on transparency, a colour or a blurred copy of the
 * photo, or the mask alone; optionally cropped to the subject. The model runs off the event loop
 * (see `createCutoutEngine`); decoding and composing run in sharp's own threads.
 */
export async function cutoutImage(
  deps: CutoutDeps,
  params: { bytes: Uint8Array; options?: CutoutOptions },
): Promise<CutoutResult> {
  const started = performance.now();
  const options = parseInput(
    CutoutOptions,
    params.options ?? {},
    "The cut-out options are not valid",
  );
  const model = deps.models[options.tier];
  const photo = await decodePhoto(params.bytes);
  const input = await modelInput(photo, model.inputSize);
  const decoded = performance.now();

  const segmented = await deps.engine.segment(model, input, { flip: options.flip });
  const inferred = performance.now();

  const alpha = await photoMask(photo, segmented.mask, model.inputSize, {
    keepAlpha: options.keepAlpha,
    threshold: options.threshold,
  });
  const box = options.crop
    ? subjectBox(alpha, photo.width, photo.height, options.crop.margin)
    : null;
  const raw = { raw: { width: photo.width, height: photo.height, channels: 4 as const } };

  let image: Sharp;
  if (options.output === "mask") {
    image = sharp(alpha, {
      raw: { width: photo.width, height: photo.height, channels: 1 },
    }).toColourspace("b-w");
  } else {
    const rgba = Buffer.from(photo.rgba);
    for (let i = 0; i < alpha.length; i++) rgba[i * 4 + 3] = alpha[i] ?? 0;
    const background = options.background;
    if (background.type === "transparent") {
      image = sharp(rgba, raw);
    } else if (background.type === "color") {
      image = sharp(rgba, raw).flatten({ background: background.color.slice(0, 7) });
    } else {
      const blurred = await sharp(photo.rgba, raw)
        .removeAlpha()
        .blur(background.sigma)
        .png()
        .toBuffer();
      const subject = await sharp(rgba, raw).png().toBuffer();
      image = sharp(blurred).composite([{ input: subject }]);
    }
  }
  if (box) image = sharp(await image.png().toBuffer()).extract(box);
  const format = options.output === "mask" ? "png" : options.format;
  const encoded =
    format === "png"
      ? await image.png({ compressionLevel: 6 }).toBuffer({ resolveWithObject: true })
      : await image.webp({ quality: 90, alphaQuality: 100 }).toBuffer({ resolveWithObject: true });
  const finished = performance.now();
  return {
    bytes: encoded.data,
    contentType: format === "png" ? "image/png" : "image/webp",
    width: encoded.info.width,
    height: encoded.info.height,
    model: model.id,
    timings: {
      decodeMs: decoded - started,
      inferMs: segmented.inferMs,
      composeMs: finished - inferred,
      totalMs: finished - started,
      ...(segmented.loadMs === undefined ? {} : { loadMs: segmented.loadMs }),
    },
  };
}
