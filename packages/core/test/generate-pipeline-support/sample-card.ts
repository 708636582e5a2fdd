import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import * as fontkit from "fontkit";

import type { ComposeRequest, ComposedCard } from "../../src/generate/card";

/**
 * A card drawn by hand the way the engine draws one: a gradient background, a panel, text laid
 * out as glyph outlines (no fonts needed to rasterise), and an optional embedded image. Used to
 * exercise the render pipeline without depending on the template engine.
 */

const require = createRequire(import.meta.url);
let font: fontkit.Font | undefined;

function loadFont(): fontkit.Font {
  if (!font) {
    const file = require.resolve("@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff2");
    const loaded = fontkit.create(readFileSync(file));
    if (!("layout" in loaded)) throw new Error("expected a single font");
    font = loaded;
  }
  return font;
}

/** The outline of `text` at `size` px with its baseline at (x, y), as SVG path data. */
function textPath(text: string, x: number, y: number, size: number): string {
  const f = loadFont();
  const scale = size / f.unitsPerEm;
  const run = f.layout(text);
  let pen = x;
  const parts: string[] = [];
  run.glyphs.forEach((glyph, i) => {
    const position = run.positions[i];
    const path = glyph.path
      .scale(scale, -scale)
      .translate(pen + (position?.xOffset ?? 0) * scale, y);
    parts.push(path.toSVG());
    pen += (position?.xAdvance ?? glyph.advanceWidth) * scale;
  });
  return parts.join("");
}

export interface SampleCardOptions {
  width: number;
  height: number;
  title?: string;
  subtitle?: string;
  image?: { mime: string; base64: string; width: number; height: number };
}

export function sampleCardSvg(options: SampleCardOptions): string {
  const { width, height } = options;
  const title = options.title ?? "Ship faster with GenFlow";
  const subtitle = options.subtitle ?? "Share cards rendered from templates, in milliseconds.";
  const pad = Math.round(width * 0.06);
  const titleSize = Math.round(height * 0.11);
  const image = options.image
    ? `<image x="${width - pad - height * 0.4}" y="${pad}" width="${height * 0.4}" height="${height * 0.4}" preserveAspectRatio="xMidYMid slice" href="data:${options.image.mime};base64,${options.image.base64}"/>`
    : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">`,
    `<stop offset="0" stop-color="#1d4ed8"/><stop offset="1" stop-color="#9333ea"/></linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
    `<rect x="${pad / 2}" y="${pad / 2}" width="${width - pad}" height="${height - pad}" rx="24" fill="#ffffff" fill-opacity="0.08"/>`,
    `<circle cx="${width * 0.85}" cy="${height * 0.8}" r="${height * 0.3}" fill="#f472b6" fill-opacity="0.35"/>`,
    image,
    `<path fill="#ffffff" d="${textPath(title, pad, height * 0.55, titleSize)}"/>`,
    `<path fill="#e0e7ff" d="${textPath(subtitle, pad, height * 0.55 + titleSize * 1.2, titleSize * 0.45)}"/>`,
    `<rect x="${pad}" y="${height - pad * 1.2}" width="${width * 0.2}" height="8" rx="4" fill="#fbbf24"/>`,
    `</svg>`,
  ].join("");
}

/** A stand-in for the engine's `composeCard`: the sample design with the request's text and image. */
export function composeSampleCard(request: ComposeRequest): ComposedCard {
  const title = typeof request.fields.title === "string" ? request.fields.title : undefined;
  const subtitle =
    typeof request.fields.subtitle === "string" ? request.fields.subtitle : undefined;
  const firstImage = Object.values(request.images)[0];
  return {
    svg: sampleCardSvg({
      width: request.width,
      height: request.height,
      ...(title === undefined ? {} : { title }),
      ...(subtitle === undefined ? {} : { subtitle }),
      ...(firstImage ? { image: firstImage } : {}),
    }),
    width: request.width,
    height: request.height,
    warnings: [],
  };
}
