import { performance } from "node:perf_hooks";

import sharp, { type Metadata, type Sharp } from "sharp";

import { DomainError } from "../errors";
import { parseInput } from "../validation";
import type { CutoutEngine } from "./inference/engine";
import type { CutoutModelConfig, CutoutTier } from "./models";
import {
  CUTOUT_MAX_BYTES,
  CUTOUT_MAX_PIXELS,
  CutoutOptions,
  MaskOptions,
  OutputOptions,
  type CutoutResult,
  type EncodedImage,
} from "./schemas";

/** What cutting out needs: the engine that runs the models, and the model of each tier. */
export interface CutoutDeps {
  engine: CutoutEngine;
  models: Record<CutoutTier, CutoutModelConfig>;
}

/** A photo as the pipeline holds it: upright, 8-bit sRGB, its own alpha (if any) apart. */
export interface DecodedPhoto {
  /** `width × height × 3` bytes. */
  rgb: Buffer;
  /** The photo's own alpha, `width × height` bytes, when it has an alpha channel. */
  alpha: Buffer | null;
  width: number;
  height: number;
}

/** The photo's mask at its own size, and how it was made. */
export interface PhotoMask {
  /** `width × height` bytes of alpha. */
  alpha: Buffer;
  model: string;
  inferMs: number;
  loadMs: number | undefined;
}

function invalidImage(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError("VALIDATION", message, {
    details: { fieldErrors: { image: [message] }, ...details },
  });
}

/** Raster formats taken as photos (SVG and the like are not photos). */
const PHOTO_FORMATS = new Set<string>(["jpeg", "png", "webp", "gif", "tiff", "heif"]);

/** Width and height as displayed (EXIF orientation applied), from the header alone. */
export async function measurePhoto(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; hasAlpha: boolean }> {
  if (bytes.length === 0) throw invalidImage("The image is empty");
  if (bytes.length > CUTOUT_MAX_BYTES) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `The image is larger than ${CUTOUT_MAX_BYTES / 1024 / 1024} MiB`,
      { details: { bytes: bytes.length, maxBytes: CUTOUT_MAX_BYTES } },
    );
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw invalidImage("The file is not an image GenFlow can read");
  }
  if (!PHOTO_FORMATS.has(metadata.format)) {
    throw invalidImage("Send a JPEG, PNG, WebP, AVIF, GIF or TIFF photo", {
      format: metadata.format,
    });
  }
  if (metadata.compression === "hevc") {
    throw invalidImage(
      "HEIC photos cannot be read by this server; send it as JPEG, PNG, WebP or AVIF",
      { format: "heic" },
    );
  }
  const { width, height } = metadata.autoOrient;
  const pixels = width * height;
  if (!(pixels > 0)) throw invalidImage("The file is not an image GenFlow can read");
  if (pixels > CUTOUT_MAX_PIXELS) {
    throw invalidImage(`The image has more than ${CUTOUT_MAX_PIXELS / 1_000_000} megapixels`, {
      width,
      height,
      maxPixels: CUTOUT_MAX_PIXELS,
    });
  }
  return { width, height, hasAlpha: metadata.hasAlpha === true };
}

/**
 * Decodes a photo upright (EXIF orientation applied) to 8-bit sRGB, its alpha (if it has one)
 * apart: JPEG, PNG (with alpha), WebP, AVIF, GIF and TIFF, 16-bit and CMYK included; an
 * animation gives its first frame. Refuses empty or oversized files, data that is not an image,
 * and images over the pixel limit before decoding them.
 */
export async function decodePhoto(bytes: Uint8Array): Promise<DecodedPhoto> {
  const { hasAlpha } = await measurePhoto(bytes);
  try {
    const decoder = sharp(bytes, { limitInputPixels: CUTOUT_MAX_PIXELS, failOn: "error", pages: 1 })
      .rotate()
      .toColourspace("srgb");
    if (!hasAlpha) {
      const { data, info } = await decoder
        .removeAlpha()
        .raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true });
      return { rgb: data, alpha: null, width: info.width, height: info.height };
    }
    // Decoded once to RGBA, then split in sharp's threads.
    const { data, info } = await decoder
      .ensureAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    const rgba = rawOf(info.width, info.height, 4);
    const [rgb, alpha] = await Promise.all([
      sharp(data, rgba).removeAlpha().raw().toBuffer(),
      sharp(data, rgba).extractChannel(3).raw().toBuffer(),
    ]);
    return { rgb, alpha, width: info.width, height: info.height };
  } catch {
    throw invalidImage("The image is damaged or cut short");
  }
}

const rawOf = (width: number, height: number, channels: 1 | 3 | 4) => ({
  raw: { width, height, channels },
});

/** The photo stretched to the model's square, RGB. */
async function modelInput(photo: DecodedPhoto, size: number): Promise<Uint8Array> {
  const rgb = await sharp(photo.rgb, rawOf(photo.width, photo.height, 3))
    .resize(size, size, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
  return new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length);
}

/** Softens an alpha channel with a Gaussian of `sigma` pixels. */
function featherAlpha(alpha: Buffer, width: number, height: number, sigma: number) {
  return sharp(alpha, rawOf(width, height, 1))
    .blur(sigma)
    .extractChannel(0)
    .raw()
    .toBuffer();
}

/** The mask's part of a set of options (which may hold output options too). */
export function maskOptionsOf(options: MaskOptions): MaskOptions {
  const { tier, subject, threshold, feather, keepAlpha, flip } = options;
  return { tier, subject, threshold, feather, keepAlpha, flip };
}

/** The output's part of a set of options (which may hold mask options too). */
export function outputOptionsOf(options: OutputOptions): OutputOptions {
  const { output, format, background, crop } = options;
  return { output, format, background, crop };
}

/**
 * The photo's alpha mask at its own size: the tier's model on the photo, then the threshold, the
 * feather and the photo's own alpha as asked. The model runs off the event loop (see
 * `createCutoutEngine`); resizing runs in sharp's threads.
 */
export async function maskPhoto(
  deps: CutoutDeps,
  photo: DecodedPhoto,
  input: MaskOptions = {},
): Promise<PhotoMask> {
  const options = MaskOptions.parse(maskOptionsOf(input));
  const model = deps.models[options.tier];
  const square = await modelInput(photo, model.inputSize);
  const segmented = await deps.engine.segment(model, square, {
    flip: options.flip,
    // Specks (or everything but the main subject) removed, resized, edges firmed up.
    refine: {
      width: photo.width,
      height: photo.height,
      options: { minRegion: options.subject === "main" ? 1 : 0.02 },
    },
  });
  let alpha = Buffer.from(
    segmented.mask.buffer,
    segmented.mask.byteOffset,
    segmented.mask.byteLength,
  );
  if (options.threshold !== undefined) {
    alpha = await sharp(alpha, rawOf(photo.width, photo.height, 1))
      .threshold(options.threshold, { grayscale: true })
      .extractChannel(0)
      .raw()
      .toBuffer();
  }
  if (options.feather > 0) {
    alpha = await featherAlpha(alpha, photo.width, photo.height, options.feather);
  }
  if (options.keepAlpha && photo.alpha) {
    const own = photo.alpha;
    for (let i = 0; i < alpha.length; i++) alpha[i] = Math.min(alpha[i] ?? 0, own[i] ?? 255);
  }
  return { alpha, model: model.id, inferMs: segmented.inferMs, loadMs: segmented.loadMs };
}

export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The box around the subject (alpha ≥ 128), grown by `margin` of its larger side; null when empty. */
export function subjectBox(
  alpha: Uint8Array,
  width: number,
  height: number,
  margin: number,
): CropBox | null {
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

/** Rows `box` of a raw image with `channels` bytes per pixel. */
function cropRaw(data: Buffer, width: number, channels: number, box: CropBox): Buffer {
  const out = Buffer.allocUnsafe(box.width * box.height * channels);
  const rowBytes = box.width * channels;
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * width + box.left) * channels;
    data.copy(out, y * rowBytes, from, from + rowBytes);
  }
  return out;
}

/**
 * The subject as RGBA: the photo's colours with the mask as alpha, and black where the alpha is
 * 0. Colours nobody can see cost the most in a PNG: cleared, a 2 MP cut-out's PNG is several
 * times smaller and encodes about three times as fast (libwebp does the same to WebP unless told
 * to keep them exact). The photo itself is left as it is.
 */
function subjectRgba(rgb: Uint8Array, alpha: Uint8Array): Buffer {
  const rgba = Buffer.allocUnsafe(alpha.length * 4);
  for (let i = 0, from = 0, to = 0; i < alpha.length; i++, from += 3, to += 4) {
    const a = alpha[i] ?? 0;
    if (a === 0) {
      rgba.writeUInt32LE(0, to);
    } else {
      rgba[to] = rgb[from] ?? 0;
      rgba[to + 1] = rgb[from + 1] ?? 0;
      rgba[to + 2] = rgb[from + 2] ?? 0;
      rgba[to + 3] = a;
    }
  }
  return rgba;
}

/** `#rrggbb` or `#rrggbbaa` as sharp's colour object. */
function colourOf(hex: string) {
  const value = (at: number) => Number.parseInt(hex.slice(at, at + 2), 16);
  return { r: value(1), g: value(3), b: value(5), alpha: hex.length === 9 ? value(7) / 255 : 1 };
}

/** A linear gradient of `width × height` as SVG, toward `angle` degrees as in CSS (0 up, 90 right). */
function gradientSvg(width: number, height: number, from: string, to: string, angle: number) {
  const radians = (angle * Math.PI) / 180;
  const dx = Math.sin(radians);
  const dy = -Math.cos(radians);
  const half = (Math.abs(width * dx) + Math.abs(height * dy)) / 2;
  const [x1, y1, x2, y2] = [
    width / 2 - dx * half,
    height / 2 - dy * half,
    width / 2 + dx * half,
    height / 2 + dy * half,
  ].map((n) => n.toFixed(2));
  const stop = (offset: number, hex: string) =>
    `<stop offset="${offset}" stop-color="${hex.slice(0, 7)}" stop-opacity="${colourOf(hex).alpha}"/>`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<defs><linearGradient id="g" gradientUnits="userSpaceOnUse" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}">` +
      `${stop(0, from)}${stop(1, to)}</linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
}

export interface ComposeParams {
  photo: DecodedPhoto;
  /** The photo's mask, `width × height` bytes. */
  alpha: Uint8Array;
  options?: OutputOptions;
  /** The bytes of the background image, when `options.background` is an image. */
  backgroundImage?: Uint8Array | undefined;
}

/**
 * One image from a photo and its mask: the mask itself, or the subject on transparency, a colour,
 * a gradient, another image (scaled to cover) or a blurred copy of the photo; cropped to the
 * subject when asked. All of it runs in sharp's threads except the crop's copy of rows.
 */
export async function composeCutout(params: ComposeParams): Promise<EncodedImage> {
  const options = OutputOptions.parse(outputOptionsOf(params.options ?? {}));
  let { photo } = params;
  let alpha = Buffer.from(params.alpha.buffer, params.alpha.byteOffset, params.alpha.length);
  const box = options.crop
    ? subjectBox(alpha, photo.width, photo.height, options.crop.margin)
    : null;
  if (box && (box.width !== photo.width || box.height !== photo.height)) {
    photo = { ...photo, rgb: cropRaw(photo.rgb, photo.width, 3, box), alpha: null, ...box };
    alpha = cropRaw(alpha, params.photo.width, 1, box);
  }
  const { width, height } = photo;

  let image: Sharp;
  if (options.output === "mask") {
    image = sharp(alpha, rawOf(width, height, 1)).toColourspace("b-w");
  } else {
    const subject = subjectRgba(photo.rgb, alpha);
    const background = options.background;
    // Over a background, the subject is a layer; on transparency it is the image itself.
    const layer = () => ({ input: subject, ...rawOf(width, height, 4) });
    switch (background.type) {
      case "transparent":
        image = sharp(subject, rawOf(width, height, 4));
        break;
      case "color":
        image = sharp({
          create: { width, height, channels: 4, background: colourOf(background.color) },
        }).composite([layer()]);
        break;
      case "gradient": {
        const svg = gradientSvg(width, height, background.from, background.to, background.angle);
        image = sharp(svg).composite([layer()]);
        break;
      }
      case "image": {
        if (!params.backgroundImage) throw new Error("the background image's bytes are missing");
        const fitted = await sharp(params.backgroundImage, { limitInputPixels: CUTOUT_MAX_PIXELS })
          .rotate()
          .resize(width, height, { fit: "cover" })
          .ensureAlpha()
          .raw()
          .toBuffer();
        image = sharp(fitted, rawOf(width, height, 4)).composite([layer()]);
        break;
      }
      case "blur": {
        const blurred = await sharp(photo.rgb, rawOf(width, height, 3))
          .blur(background.sigma)
          .ensureAlpha()
          .raw()
          .toBuffer();
        image = sharp(blurred, rawOf(width, height, 4)).composite([layer()]);
        break;
      }
    }
  }
  const format = options.output === "mask" ? "png" : options.format;
  const encoded =
    format === "png"
      ? // Level 3, no filters: level 6's size within 1% on a 2 MP cut-out, a little faster;
        // adaptive filters would take a third off the size for over twice the time.
        await image.png({ compressionLevel: 3 }).toBuffer({ resolveWithObject: true })
      : await image.webp({ quality: 90, alphaQuality: 100 }).toBuffer({ resolveWithObject: true });
  return {
    bytes: encoded.data,
    contentType: format === "png" ? "image/png" : "image/webp",
    width: encoded.info.width,
    height: encoded.info.height,
  };
}

/**
 * Removes a photo's background in one go: decode, mask, compose, encode (see `maskPhoto` and
 * `composeCutout`). Nothing is stored.
 */
export async function cutoutImage(
  deps: CutoutDeps,
  params: { bytes: Uint8Array; options?: CutoutOptions; backgroundImage?: Uint8Array },
): Promise<CutoutResult> {
  const started = performance.now();
  const options = parseInput(
    CutoutOptions,
    params.options ?? {},
    "The cut-out options are not valid",
  );
  const photo = await decodePhoto(params.bytes);
  const decoded = performance.now();
  const mask = await maskPhoto(deps, photo, options);
  const masked = performance.now();
  const image = await composeCutout({
    photo,
    alpha: mask.alpha,
    options,
    backgroundImage: params.backgroundImage,
  });
  const finished = performance.now();
  return {
    ...image,
    model: mask.model,
    timings: {
      decodeMs: decoded - started,
      inferMs: mask.inferMs,
      composeMs: finished - masked,
      totalMs: finished - started,
      ...(mask.loadMs === undefined ? {} : { loadMs: mask.loadMs }),
    },
  };
}
