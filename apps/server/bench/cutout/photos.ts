// The photos of the run: real photos from the GrabCut set (research data, read from
// ../shared/testdata/cutout-grabcut or CUTOUT_EVAL_DIR, never shipped), which are 0.1–0.3 MP,
// upscaled with sharp (Lanczos 3) to between 1 and 3 MP and written as JPEG (quality 90) to a
// temporary folder, the kind of file a phone or camera uploads. Sizes are spread over the range
// (a golden-ratio sequence) so that big and small photos alternate rather than grow with time.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import sharp from "sharp";

import type { BenchPhoto, PhotoSet } from "./protocol";

export const DEFAULT_SET_DIR = path.resolve(
  import.meta.dirname,
  "../../../../../shared/testdata/cutout-grabcut",
);

export const MIN_MEGAPIXELS = 1;
export const MAX_MEGAPIXELS = 3;
const JPEG_QUALITY = 90;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The set's photos, by name; empty when the folder is missing. */
export async function sourcePhotos(setDir: string): Promise<string[]> {
  const images = path.join(setDir, "images");
  if (!existsSync(images)) return [];
  return (await readdir(images)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
}

/** The megapixels photo `index` is scaled to: spread over [MIN, MAX] without a trend. */
export function targetMegapixels(index: number): number {
  const spread = (index * GOLDEN) % 1;
  return MIN_MEGAPIXELS + (MAX_MEGAPIXELS - MIN_MEGAPIXELS) * spread;
}

/**
 * Writes `count` photos to a fresh temporary folder: evenly spaced through the set by name (the
 * set again from the start when `count` exceeds it), each upscaled to its target size.
 */
export async function preparePhotos(setDir: string, count: number): Promise<PhotoSet> {
  const sources = await sourcePhotos(setDir);
  if (sources.length === 0) throw new Error(`no photos in ${path.join(setDir, "images")}`);
  const dir = await mkdtemp(path.join(tmpdir(), "genflow-bench-cutout-"));
  const photos: BenchPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const source =
      sources[Math.floor((i * sources.length) / Math.min(count, sources.length)) % sources.length];
    if (!source) throw new Error(`no photo for index ${i}`);
    const file = path.join(setDir, "images", source);
    const { width, height } = (await sharp(file).metadata()).autoOrient;
    const scale = Math.sqrt((targetMegapixels(i) * 1e6) / (width * height));
    const size = { width: Math.round(width * scale), height: Math.round(height * scale) };
    const { data, info } = await sharp(file)
      .rotate()
      .resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    const name = `${String(i).padStart(3, "0")}-${source.replace(/\.[^.]+$/, "")}.jpg`;
    await writeFile(path.join(dir, name), data);
    photos.push({ file: name, source, width: info.width, height: info.height, bytes: data.length });
  }
  const set: PhotoSet = { dir, photos };
  await writeFile(path.join(dir, "photos.json"), JSON.stringify(set, null, 2));
  return set;
}

export async function removePhotos(set: PhotoSet): Promise<void> {
  await rm(set.dir, { recursive: true, force: true });
}

/** "1.0–3.0 MP (mean 2.0)". */
export function describeSizes(set: PhotoSet): string {
  const mp = set.photos.map((p) => (p.width * p.height) / 1e6);
  const mean = mp.reduce((a, b) => a + b, 0) / mp.length;
  return `${Math.min(...mp).toFixed(2)}–${Math.max(...mp).toFixed(2)} MP (mean ${mean.toFixed(2)})`;
}
