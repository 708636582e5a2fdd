// `pnpm eval:cutout`: cut-out quality on the GrabCut set (50 photos with hand-made masks), per
// tier and setting, through the same pipeline the API runs. Research data: read from
// ../shared/testdata/cutout-grabcut (or CUTOUT_EVAL_DIR), never shipped; skipped with a message
// when absent.
//
//   --limit <n>     only the first n photos
//   --variants <l>  comma-separated variants below, or `all` (default: fast, quality, quality-flip)
//   --worst <n>     write the n worst cut-outs of each variant as PNGs to look at (default 5)
//   --out <dir>     where those go (default: a fresh temporary folder)
//
// Scores, for each photo: IoU of (alpha ≥ 128) against the mask's object (255), and the mean
// absolute error of alpha (0..1), both over the mask's certain pixels only (its 128 band along the
// boundary is left out, as the set intends); then the means over the photos.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import {
  BUILT_IN_TIERS,
  builtInModelConfig,
  createCutoutEngine,
  cutoutImage,
  decodePhoto,
  ensureBuiltInModel,
  sourceCutoutWorker,
  type CutoutDeps,
  type CutoutTier,
} from "@genflow/core/cutout";
import sharp from "sharp";

import { refineAlpha, type RefineOptions } from "@genflow/core/cutout";

/** How the photo becomes the model's square: stretched (bicubic), then sharpened or not. */
type PreProcess = "fill" | "sharpen" | "nearest";

interface Variant {
  id: string;
  label: string;
  tier: CutoutTier;
  flip: boolean;
  /**
   * Variants with `pre` run their own pipeline (decode, square, model, then `refine` or the API's
   * bicubic resize of the mask); the others run `cutoutImage` as the API does.
   */
  pre?: PreProcess;
  refine?: RefineOptions;
}

const VARIANTS: Variant[] = [
  { id: "fast", label: "fast (IS-Net small)", tier: "fast", flip: false },
  { id: "quality", label: "quality (IS-Net medium)", tier: "quality", flip: false },
  { id: "quality-flip", label: "quality + mirrored pass averaged", tier: "quality", flip: true },
  // The square made differently: nearest neighbour, or sharpened after the (bicubic) stretch.
  {
    id: "quality-nearest",
    label: "quality, square by nearest neighbour",
    tier: "quality",
    flip: false,
    pre: "nearest",
  },
  {
    id: "quality-sharpen",
    label: "quality, square sharpened",
    tier: "quality",
    flip: false,
    pre: "sharpen",
  },
  // The mask refined (specks removed, resampled, contrast curve), or reduced to the main subject.
  {
    id: "quality-refined",
    label: "quality + refineAlpha",
    tier: "quality",
    flip: false,
    pre: "fill",
    refine: {},
  },
  {
    id: "quality-single",
    label: "quality + refineAlpha, main subject only",
    tier: "quality",
    flip: false,
    pre: "fill",
    refine: { minRegion: 1 },
  },
  {
    id: "quality-region-10",
    label: "quality + refineAlpha, regions under 10% of the largest removed",
    tier: "quality",
    flip: false,
    pre: "fill",
    refine: { minRegion: 0.1 },
  },
  {
    id: "quality-region-25",
    label: "quality + refineAlpha, regions under 25% of the largest removed",
    tier: "quality",
    flip: false,
    pre: "fill",
    refine: { minRegion: 0.25 },
  },
  {
    id: "quality-region-50",
    label: "quality + refineAlpha, regions under 50% of the largest removed",
    tier: "quality",
    flip: false,
    pre: "fill",
    refine: { minRegion: 0.5 },
  },
  {
    id: "fast-refined",
    label: "fast + refineAlpha",
    tier: "fast",
    flip: false,
    pre: "fill",
    refine: {},
  },
  {
    id: "fast-single",
    label: "fast + refineAlpha, main subject only",
    tier: "fast",
    flip: false,
    pre: "fill",
    refine: { minRegion: 1 },
  },
  {
    id: "fast-sharpen-refined",
    label: "fast, square sharpened + refineAlpha",
    tier: "fast",
    flip: false,
    pre: "sharpen",
    refine: {},
  },
  {
    id: "quality-sharpen-single",
    label: "quality, square sharpened + refineAlpha, main subject only",
    tier: "quality",
    flip: false,
    pre: "sharpen",
    refine: { minRegion: 1 },
  },
];
const DEFAULT_VARIANTS = ["fast", "quality", "quality-flip"];

const DEFAULT_SET = path.resolve(
  import.meta.dirname,
  "../../../../../shared/testdata/cutout-grabcut",
);

/** Alpha cut-offs at which IoU is also reported, to see what moving the mask's midpoint would buy. */
const CUTOFFS = [64, 96, 128, 160, 192];

function iouAt(alpha: Buffer, truth: Buffer, cutoff: number): number {
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] ?? 0;
    if (t === 128) continue;
    const predicted = (alpha[i] ?? 0) >= cutoff;
    const object = t === 255;
    if (predicted && object) intersection += 1;
    if (predicted || object) union += 1;
  }
  return union === 0 ? 1 : intersection / union;
}

function score(alpha: Buffer, truth: Buffer) {
  let intersection = 0;
  let union = 0;
  let error = 0;
  let counted = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] ?? 0;
    if (t === 128) continue;
    const a = alpha[i] ?? 0;
    const predicted = a >= 128;
    const object = t === 255;
    if (predicted && object) intersection += 1;
    if (predicted || object) union += 1;
    error += Math.abs(a / 255 - (object ? 1 : 0));
    counted += 1;
  }
  return { iou: union === 0 ? 1 : intersection / union, mae: counted === 0 ? 0 : error / counted };
}

/**
 * One photo through a variant's own pipeline: the alpha at the photo's size, PNG-encoded like the
 * API's mask output, and how long the mask's post-processing took.
 */
async function ownPipeline(
  deps: CutoutDeps,
  variant: Variant & { pre: PreProcess },
  bytes: Buffer,
): Promise<{ png: Buffer; width: number; height: number; inferMs: number; postMs: number }> {
  const model = deps.models[variant.tier];
  const size = model.inputSize;
  const photo = await decodePhoto(bytes);
  const raw = { raw: { width: photo.width, height: photo.height, channels: 3 as const } };
  let square = sharp(photo.rgb, raw).resize(size, size, {
    fit: "fill",
    kernel: variant.pre === "nearest" ? "nearest" : "lanczos3",
  });
  if (variant.pre === "sharpen") square = square.sharpen({ sigma: 1.5 });
  const rgb = await square.raw().toBuffer();
  const segmented = await deps.engine.segment(
    model,
    new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length),
    { flip: variant.flip },
  );
  const started = performance.now();
  const alpha = variant.refine
    ? refineAlpha(
        { mask: segmented.mask, size, width: photo.width, height: photo.height },
        variant.refine,
      )
    : await sharp(segmented.mask, { raw: { width: size, height: size, channels: 1 } })
        .resize(photo.width, photo.height, { fit: "fill", kernel: "cubic" })
        .extractChannel(0)
        .raw()
        .toBuffer();
  const postMs = performance.now() - started;
  const png = await sharp(alpha, { raw: { width: photo.width, height: photo.height, channels: 1 } })
    .png()
    .toBuffer();
  return { png, width: photo.width, height: photo.height, inferMs: segmented.inferMs, postMs };
}

async function grey(bytes: Buffer | string, width: number, height: number): Promise<Buffer> {
  return sharp(bytes).resize(width, height, { fit: "fill" }).extractChannel(0).raw().toBuffer();
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
      limit: { type: "string" },
      variants: { type: "string" },
      worst: { type: "string", default: "5" },
      out: { type: "string" },
    },
  });
  const setDir = process.env.CUTOUT_EVAL_DIR ?? DEFAULT_SET;
  if (!existsSync(path.join(setDir, "images"))) {
    console.log(`eval:cutout skipped: no GrabCut set at ${setDir} (set CUTOUT_EVAL_DIR)`);
    return;
  }
  const chosen = (values.variants ?? DEFAULT_VARIANTS.join(",")).split(",").map((s) => s.trim());
  const unknown = chosen.filter((id) => id !== "all" && !VARIANTS.some((v) => v.id === id));
  if (unknown.length > 0) throw new Error(`unknown variants: ${unknown.join(", ")}`);
  const variants = chosen.includes("all")
    ? VARIANTS
    : VARIANTS.filter((v) => chosen.includes(v.id));
  const photos = (await readdir(path.join(setDir, "images")))
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .slice(0, values.limit ? Number(values.limit) : undefined);
  const idOf = (file: string) => file.replace(/\.[^.]+$/, "");
  const outDir = values.out ?? (await mkdtemp(path.join(tmpdir(), "genflow-eval-cutout-")));
  await mkdir(outDir, { recursive: true });

  const modelDir = path.join(tmpdir(), "genflow-models");
  for (const id of Object.values(BUILT_IN_TIERS)) {
    await ensureBuiltInModel(id, path.join(modelDir, `${id}.onnx`));
  }
  const models = {
    fast: builtInModelConfig(BUILT_IN_TIERS.fast, modelDir),
    quality: builtInModelConfig(BUILT_IN_TIERS.quality, modelDir),
  };
  const engine = createCutoutEngine({
    worker: sourceCutoutWorker(),
    threads: 2,
    timeoutMs: 300_000,
  });
  console.log(`${photos.length} photos from ${setDir}\n`);
  try {
    for (const variant of variants) {
      const results: { id: string; iou: number; mae: number; cutoffs: number[]; bytes: Buffer }[] =
        [];
      let inferMs = 0;
      let postMs = 0;
      for (const file of photos) {
        const id = idOf(file);
        const photo = await readFile(path.join(setDir, "images", file));
        const result = variant.pre
          ? await ownPipeline({ engine, models }, { ...variant, pre: variant.pre }, photo).then(
              (r) => ({ bytes: r.png, width: r.width, height: r.height, timings: r }),
            )
          : await cutoutImage(
              { engine, models },
              { bytes: photo, options: { tier: variant.tier, output: "mask", flip: variant.flip } },
            );
        inferMs += result.timings.inferMs;
        if ("postMs" in result.timings) postMs += result.timings.postMs;
        const alpha = await grey(result.bytes, result.width, result.height);
        const truth = await grey(
          path.join(setDir, "masks", `${id}.png`),
          result.width,
          result.height,
        );
        results.push({
          id,
          ...score(alpha, truth),
          cutoffs: CUTOFFS.map((cutoff) => iouAt(alpha, truth, cutoff)),
          bytes: result.bytes,
        });
      }
      const mean = (f: (r: (typeof results)[number]) => number) =>
        results.reduce((sum, r) => sum + f(r), 0) / results.length;
      console.log(
        `${variant.label}: mean IoU ${mean((r) => r.iou).toFixed(4)}, mean alpha MAE ${mean((r) => r.mae).toFixed(4)}, inference ${(inferMs / results.length).toFixed(0)} ms per photo${variant.pre ? `, mask post-processing ${(postMs / results.length).toFixed(1)} ms` : ""}`,
      );
      console.log(
        `  IoU by cut-off: ${CUTOFFS.map((c, n) => `${c}: ${mean((r) => r.cutoffs[n] ?? 0).toFixed(4)}`).join(", ")}`,
      );
      const worst = [...results].sort((a, b) => a.iou - b.iou).slice(0, Number(values.worst));
      console.log(`  worst: ${worst.map((r) => `${r.id} ${r.iou.toFixed(3)}`).join(", ")}`);
      for (const r of worst)
        await writeFile(path.join(outDir, `${variant.id}-${r.id}-mask.png`), r.bytes);
    }
  } finally {
    await engine.close();
  }
  console.log(`\nworst masks: ${outDir}`);
}

main().catch((error: unknown) => {
  console.error(`eval:cutout failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
