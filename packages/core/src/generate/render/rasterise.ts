import { Resvg } from "@resvg/resvg-js";
import sharp, { type Sharp } from "sharp";

import type { ImageFormat } from "../card";
import { encodeRgbaPng } from "./png";

/**
 * Turns a card's SVG into the requested format.
 *
 * The SVG is drawn once into RGBA pixels at the output scale, and sharp (libvips) encodes those
 * pixels straight into the target format, with no intermediate PNG; a lossless PNG of an opaque
 * card, the most common output, is written by `encodeRgbaPng` instead. resvg draws
 * the pixels for every raster format: on the bundled templates (nine 1200×630 cards, one thread,
 * `test/generate-pipeline-support/measure-rasterisers.ts`) it drew in 143 ms where librsvg took
 * 174 ms (equal at scale 2), and its pixels made PNGs 7–11% smaller at equal encoder settings;
 * the encoder dominates WebP, JPEG and AVIF, where both were within noise. librsvg, through sharp,
 * is the fallback for an SVG that resvg refuses.
 */

export type RasterFormat = Exclude<ImageFormat, "svg">;
export type Rasteriser = "resvg" | "librsvg";

/** Which rasteriser draws each format first; the other is tried if it throws. */
export const RASTERISER_BY_FORMAT: Readonly<Record<RasterFormat, Rasteriser>> = {
  png: "resvg",
  webp: "resvg",
  jpeg: "resvg",
  avif: "resvg",
};

/**
 * zlib level 3 for the PNGs sharp writes (palettes, and drawings that are not opaque; opaque
 * lossless ones go through `encodeRgbaPng`): on a 1200×630 card about 4 ms against 7 ms at level
 * 6 (and 17 ms for resvg's own encoder), for files about 20% larger.
 */
const PNG_COMPRESSION = 3;
/** About twice as fast as the default effort 4, for 2–3% larger files. */
const WEBP_EFFORT = 2;
/** Five to six times faster than the default effort 4, for about 10% larger files. */
const AVIF_EFFORT = 2;

export interface RasteriseOptions {
  format: ImageFormat;
  /** The card's own size, as in the SVG's width and height. */
  width: number;
  height: number;
  scale: number;
  quality: number;
}

export interface Raster {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** Which rasteriser drew the pixels (none for SVG output, which is not drawn). */
  rasteriser: Rasteriser | undefined;
}

interface Size {
  width: number;
  height: number;
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  premultiplied: boolean;
  /** Known to be fully opaque: straight alpha, and a channel the encoders can do without. */
  opaque: boolean;
}

/**
 * Whether the drawn card is fully opaque. Every template first paints an opaque background over
 * the whole canvas, so only the last row and column, where a fractional output size can leave
 * pixels partly covered, need looking at.
 */
function edgesOpaque(data: Buffer, width: number, height: number): boolean {
  const lastRow = (height - 1) * width * 4;
  for (let x = 0; x < width; x += 1) if (data[lastRow + x * 4 + 3] !== 255) return false;
  for (let y = 0; y < height; y += 1)
    if (data[(y * width + width - 1) * 4 + 3] !== 255) return false;
  return true;
}

/**
 * resvg-js applies its `crop` option by copying the whole drawing into a new pixmap, even when
 * nothing is cropped (3 MB more to allocate and copy at 1200×630, about 0.5 ms); it skips the copy
 * only for an empty crop rectangle, which is what this is. `drawWithResvg` checks the size of what
 * comes back, so a version that reads it otherwise fails over to librsvg instead of shipping a
 * wrong card.
 */
const UNCROPPED = { left: 0, top: 0, right: 0, bottom: 0 };

/** The size resvg gives the drawing of a `size` SVG at `zoom` (its arithmetic is 32-bit). */
function zoomedSize(size: Size, zoom: number): Size {
  const scaled = (side: number) => Math.round(Math.fround(Math.fround(side) * Math.fround(zoom)));
  return { width: scaled(size.width), height: scaled(size.height) };
}

function drawWithResvg(svg: string, zoom: number, size: Size): Pixels {
  const expected = zoomedSize(size, zoom);
  const rendered = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    // Text arrives as outlines: system fonts would only cost start-up time.
    font: { loadSystemFonts: false },
    crop: UNCROPPED,
  }).render();
  const { pixels, width, height } = rendered;
  if (width !== expected.width || height !== expected.height) {
    throw new Error(`resvg drew ${width}×${height}, not ${expected.width}×${expected.height}`);
  }
  // resvg's pixels are premultiplied; where every pixel is opaque that is the same as straight
  // alpha, and telling sharp so spares it a pass over the image (about 1.5 ms at 1200×630).
  const opaque = edgesOpaque(pixels, width, height);
  return { data: pixels, width, height, premultiplied: !opaque, opaque };
}

async function drawWithLibrsvg(svg: string, zoom: number): Promise<Pixels> {
  const { data, info } = await sharp(Buffer.from(svg), { density: 72 * zoom })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, premultiplied: false, opaque: false };
}

/** Draws with `first`, falling back to the other rasteriser when it throws. */
async function draw(
  svg: string,
  zoom: number,
  size: Size,
  first: Rasteriser,
): Promise<{ pixels: Pixels; rasteriser: Rasteriser }> {
  const order: Rasteriser[] = first === "resvg" ? ["resvg", "librsvg"] : ["librsvg", "resvg"];
  let failure: unknown;
  for (const rasteriser of order) {
    try {
      const pixels =
        rasteriser === "resvg" ? drawWithResvg(svg, zoom, size) : await drawWithLibrsvg(svg, zoom);
      return { pixels, rasteriser };
    } catch (error) {
      failure ??= error;
    }
  }
  throw new Error("no rasteriser could draw the card", { cause: failure });
}

function fromPixels(pixels: Pixels): Sharp {
  return sharp(pixels.data, {
    raw: {
      width: pixels.width,
      height: pixels.height,
      channels: 4,
      premultiplied: pixels.premultiplied,
    },
  });
}

function encode(image: Sharp, format: RasterFormat, quality: number): Sharp {
  switch (format) {
    case "png":
      return quality < 100
        ? image.png({ compressionLevel: PNG_COMPRESSION, palette: true, quality })
        : image.png({ compressionLevel: PNG_COMPRESSION });
    case "webp":
      return image.webp({ quality, effort: WEBP_EFFORT });
    case "jpeg":
      return image.flatten({ background: "#ffffff" }).jpeg({ quality });
    case "avif":
      return image.avif({ quality, effort: AVIF_EFFORT });
  }
}

/** Rasterises a card's SVG (or, for SVG output, passes it through). */
export async function rasterise(svg: string, options: RasteriseOptions): Promise<Raster> {
  const { format, width, height, scale, quality } = options;
  if (format === "svg") return { bytes: Buffer.from(svg), width, height, rasteriser: undefined };
  const size = { width, height };
  const { pixels, rasteriser } = await draw(svg, scale, size, RASTERISER_BY_FORMAT[format]);
  if (format === "png" && quality >= 100 && pixels.opaque) {
    const bytes = encodeRgbaPng(pixels.data, pixels.width, pixels.height);
    return { bytes, width: pixels.width, height: pixels.height, rasteriser };
  }
  const image = pixels.opaque ? fromPixels(pixels).removeAlpha() : fromPixels(pixels);
  const main = await encode(image, format, quality).toBuffer({
    resolveWithObject: true,
  });
  return { bytes: main.data, width: main.info.width, height: main.info.height, rasteriser };
}
