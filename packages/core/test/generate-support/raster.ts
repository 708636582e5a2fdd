import { Resvg } from "@resvg/resvg-js";

import type { EmbeddedImage } from "../../src/generate/card";

/** Rasterising cards with resvg (no system fonts: everything must be outlines) and reading pixels. */

export interface Raster {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  pixels: Buffer;
}

export function rasterise(svg: string): Raster {
  const rendered = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
  return { width: rendered.width, height: rendered.height, pixels: rendered.pixels };
}

export type Rgb = [number, number, number];

export function pixel(r: Raster, x: number, y: number): Rgb {
  const i = (Math.floor(y) * r.width + Math.floor(x)) * 4;
  return [r.pixels[i] ?? 0, r.pixels[i + 1] ?? 0, r.pixels[i + 2] ?? 0];
}

export function hexRgb(hex: string): Rgb {
  const h = hex.replace("#", "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

const distance = (a: Rgb, b: Rgb) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))));

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels in `region` that differ from `background` by more than `tolerance` per channel. */
export function inkPixels(r: Raster, background: Rgb, region: Region, tolerance = 40): number {
  let count = 0;
  const x1 = Math.min(r.width, Math.ceil(region.x + region.width));
  const y1 = Math.min(r.height, Math.ceil(region.y + region.height));
  for (let y = Math.max(0, Math.floor(region.y)); y < y1; y++) {
    for (let x = Math.max(0, Math.floor(region.x)); x < x1; x++) {
      if (distance(pixel(r, x, y), background) > tolerance) count++;
    }
  }
  return count;
}

/** The bounding box of ink in `region`, or undefined if there is none. */
export function inkBounds(r: Raster, background: Rgb, region: Region, tolerance = 40) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (
    let y = Math.max(0, Math.floor(region.y));
    y < Math.min(r.height, region.y + region.height);
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(region.x));
      x < Math.min(r.width, region.x + region.width);
      x++
    ) {
      if (distance(pixel(r, x, y), background) > tolerance) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return minX === Infinity ? undefined : { minX, minY, maxX, maxY };
}

/** Horizontal bands of rows containing ink in `region` (one per text line), as [top, bottom]. */
export function inkBands(r: Raster, background: Rgb, region: Region): [number, number][] {
  const bands: [number, number][] = [];
  let start = -1;
  const y1 = Math.min(r.height, region.y + region.height);
  for (let y = Math.max(0, region.y); y <= y1; y++) {
    const inked =
      y < y1 && inkPixels(r, background, { x: region.x, y, width: region.width, height: 1 }) > 0;
    if (inked && start < 0) start = y;
    if (!inked && start >= 0) {
      bands.push([start, y - 1]);
      start = -1;
    }
  }
  return bands;
}

/** Pixels in `region` with a clearly saturated colour (not grey/black/white text). */
export function saturatedPixels(r: Raster, region: Region): number {
  let count = 0;
  for (
    let y = Math.max(0, Math.floor(region.y));
    y < Math.min(r.height, region.y + region.height);
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(region.x));
      x < Math.min(r.width, region.x + region.width);
      x++
    ) {
      const [red, green, blue] = pixel(r, x, y);
      const max = Math.max(red, green, blue);
      const min = Math.min(red, green, blue);
      if (max > 80 && (max - min) / max > 0.45) count++;
    }
  }
  return count;
}

/** A solid-colour PNG, as the pipeline would embed it. */
export function solidPng(color: string, width = 64, height = 64): EmbeddedImage {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${color}"/></svg>`;
  const png = new Resvg(svg).render().asPng();
  return { mime: "image/png", base64: png.toString("base64"), width, height };
}
