import { performance } from "node:perf_hooks";

import * as ort from "onnxruntime-node";

import type { CutoutModelConfig } from "../models";
import { refineAlpha, type RefineOptions } from "../refine";

/**
 * What the inference thread does: keeps one ONNX Runtime session per model (loaded on first use,
 * warmed up, kept until the thread ends), turns a square RGB image into the network's input,
 * runs it, and answers the alpha mask as bytes. Failures come back as plain data: an error thrown
 * across a thread loses its class.
 */

export interface InferenceJob {
  model: CutoutModelConfig;
  /** `inputSize`² × 3 bytes, RGB interleaved: the image stretched to the model's square. */
  rgb: Uint8Array;
  /** Also run the mirrored image and average the two masks (test-time augmentation). */
  flip: boolean;
  /** Intra-op threads of the session (used when the session is created). */
  threads: number;
  /**
   * Answer the alpha at the photo's size, refined (see `refineAlpha`), rather than the model's
   * square mask: done here so the per-pixel work stays off the caller's event loop.
   */
  refine?: { width: number; height: number; options: RefineOptions } | undefined;
  /** When the caller stops waiting (epoch ms): a job not started by then is skipped. */
  deadline?: number | undefined;
}

export type InferenceResult =
  | {
      ok: true;
      /** `inputSize`² bytes of alpha, 0..255; `width × height` with `refine`. */
      mask: Uint8Array;
      /** Inference alone, in milliseconds (both passes with `flip`). */
      inferMs: number;
      /** Loading and warming the session, when this job had to. */
      loadMs: number | undefined;
    }
  | { ok: false; message: string; loadFailed: boolean; expired?: boolean };

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** Runs after a load so the first real image does not pay the runtime's first-run costs. */
const WARM_UP_RUNS = 2;

async function load(model: CutoutModelConfig, threads: number): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(model.file, {
    executionMode: "sequential",
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  const size = model.inputSize;
  const blank = new ort.Tensor("float32", new Float32Array(3 * size * size), [1, 3, size, size]);
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    await session.run({ [model.inputName]: blank }, [model.outputName]);
  }
  return session;
}

/** Each channel's normalised value of every byte: `(byte - mean) / std`. */
function normalisation(model: CutoutModelConfig): [Float32Array, Float32Array, Float32Array] {
  const table = (mean: number, std: number) =>
    Float32Array.from({ length: 256 }, (_, byte) => (byte - mean) / std);
  const [mr, mg, mb] = model.mean;
  const [sr, sg, sb] = model.std;
  return [table(mr, sr), table(mg, sg), table(mb, sb)];
}

function toInput(model: CutoutModelConfig, rgb: Uint8Array, mirrored: boolean): Float32Array {
  const size = model.inputSize;
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  const [red, green, blue] = normalisation(model);
  for (let y = 0; y < size; y++) {
    const row = y * size;
    for (let x = 0; x < size; x++) {
      const source = (row + (mirrored ? size - 1 - x : x)) * 3;
      const target = row + x;
      data[target] = red[rgb[source] ?? 0] ?? 0;
      data[plane + target] = green[rgb[source + 1] ?? 0] ?? 0;
      data[2 * plane + target] = blue[rgb[source + 2] ?? 0] ?? 0;
    }
  }
  return data;
}

async function infer(
  session: ort.InferenceSession,
  model: CutoutModelConfig,
  rgb: Uint8Array,
  mirrored: boolean,
): Promise<Float32Array> {
  const size = model.inputSize;
  const input = new ort.Tensor("float32", toInput(model, rgb, mirrored), [1, 3, size, size]);
  const outputs = await session.run({ [model.inputName]: input }, [model.outputName]);
  const output = outputs[model.outputName];
  if (!output || output.data.length !== size * size) {
    throw new Error(`${model.id}: output ${model.outputName} is not a ${size}×${size} mask`);
  }
  return output.data as Float32Array;
}

export async function runInference(job: InferenceJob): Promise<InferenceResult> {
  const { model } = job;
  const size = model.inputSize;
  if (job.rgb.length !== size * size * 3) {
    return { ok: false, message: `expected ${size}×${size} RGB`, loadFailed: false };
  }
  const expired = () => job.deadline !== undefined && Date.now() > job.deadline;
  const skipped = {
    ok: false,
    message: "the caller stopped waiting",
    loadFailed: false,
    expired: true,
  } as const;
  if (expired()) return skipped;
  let loadMs: number | undefined;
  let pending = sessions.get(model.file);
  if (!pending) {
    const started = performance.now();
    pending = load(model, job.threads);
    sessions.set(model.file, pending);
    pending.then(
      () => {
        loadMs = performance.now() - started;
      },
      () => sessions.delete(model.file),
    );
  }
  let session: ort.InferenceSession;
  try {
    session = await pending;
  } catch (error) {
    return {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      loadFailed: true,
    };
  }
  if (expired()) return skipped;
  try {
    const started = performance.now();
    const first = await infer(session, model, job.rgb, false);
    const second = job.flip ? await infer(session, model, job.rgb, true) : undefined;
    // A clamped array rounds and clamps each value as it is stored.
    const mask = new Uint8ClampedArray(size * size);
    const sigmoid = model.outputActivation === "sigmoid";
    if (!second && !sigmoid) {
      for (let i = 0; i < mask.length; i++) mask[i] = (first[i] ?? 0) * 255;
    } else {
      for (let y = 0; y < size; y++) {
        const row = y * size;
        for (let x = 0; x < size; x++) {
          let value = first[row + x] ?? 0;
          if (second) value = (value + (second[row + size - 1 - x] ?? 0)) / 2;
          if (sigmoid) value = 1 / (1 + Math.exp(-value));
          mask[row + x] = value * 255;
        }
      }
    }
    const inferMs = performance.now() - started;
    const square = new Uint8Array(mask.buffer);
    const answer = job.refine
      ? refineAlpha(
          { mask: square, size, width: job.refine.width, height: job.refine.height },
          job.refine.options,
        )
      : square;
    return { ok: true, mask: answer, inferMs, loadMs };
  } catch (error) {
    return {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      loadFailed: false,
    };
  }
}
