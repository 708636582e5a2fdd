// (c) the floor: ONNX Runtime's `session.run` alone, on the same model, with a tensor made before
// timing from the same photo the same way GenFlow makes it (sharp's Lanczos 3 stretch to the
// model's square, then (v − mean) / std into planar float32). Nothing else is timed: no decode,
// no resize, no conversion, no mask, no encode. The ONNX Runtime is core's own (the version
// GenFlow runs), resolved from core's dependencies. `searchSessionOptions` tries the options
// below on one tensor and keeps the fastest; the measured run uses the winner.
import { performance } from "node:perf_hooks";

import sharp from "sharp";

import { coreRequire } from "../generate/core-packages";
import type { PreparedContender } from "./contender";
import { summarize } from "./measure";
import { benchModel } from "./model";
import type { FloorSearch, FloorSessionOptions } from "./protocol";

/** The part of onnxruntime-node this file uses. */
interface OrtTensor {
  readonly data: unknown;
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>, fetches?: string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(file: string, options: FloorSessionOptions): Promise<OrtSession> };
  Tensor: new (type: "float32", data: Float32Array, dims: number[]) => OrtTensor;
}

export function loadOrt(): { ort: Ort; version: string } {
  const require = coreRequire();
  return {
    ort: require("onnxruntime-node") as Ort,
    version: (require("onnxruntime-node/package.json") as { version: string }).version,
  };
}

/** The options tried: both execution modes × 1 and 2 intra-op threads, full graph optimisation. */
export const CANDIDATE_OPTIONS: FloorSessionOptions[] = (
  ["sequential", "parallel"] as const
).flatMap((executionMode) =>
  [1, 2].map((intraOpNumThreads) => ({
    executionMode,
    intraOpNumThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all" as const,
  })),
);

/** "sequential, intra 2, inter 1, opt all". */
export function describeOptions(o: FloorSessionOptions): string {
  return `${o.executionMode}, intra ${o.intraOpNumThreads}, inter ${o.interOpNumThreads}, opt ${o.graphOptimizationLevel}`;
}

const WARM_UP_RUNS = 2;

/**
 * The photo as the model's input tensor, made as GenFlow makes it; with the time of the sharp
 * part (decode, stretch) and of the JS conversion to planar float32, for comparison.
 */
async function tensorData(bytes: Buffer) {
  const model = benchModel();
  const size = model.inputSize;
  const started = performance.now();
  const rgb = await sharp(bytes)
    .rotate()
    .removeAlpha()
    .resize(size, size, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
  const resized = performance.now();
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  const [mr, mg, mb] = model.mean;
  const [sr, sg, sb] = model.std;
  for (let i = 0; i < plane; i++) {
    data[i] = ((rgb[i * 3] ?? 0) - mr) / sr;
    data[plane + i] = ((rgb[i * 3 + 1] ?? 0) - mg) / sg;
    data[2 * plane + i] = ((rgb[i * 3 + 2] ?? 0) - mb) / sb;
  }
  return { data, resizeMs: resized - started, convertMs: performance.now() - resized };
}

async function openSession(ort: Ort, options: FloorSessionOptions) {
  const model = benchModel();
  const session = await ort.InferenceSession.create(model.file, options);
  const size = model.inputSize;
  const tensor = (data: Float32Array) => new ort.Tensor("float32", data, [1, 3, size, size]);
  const run = async (input: OrtTensor) => {
    const out = await session.run({ [model.inputName]: input }, [model.outputName]);
    const mask = out[model.outputName];
    if (!(mask?.data instanceof Float32Array) || mask.data.length !== size * size)
      throw new Error(`output ${model.outputName} is not a ${size}×${size} mask`);
  };
  const blank = tensor(new Float32Array(3 * size * size));
  for (let i = 0; i < WARM_UP_RUNS; i++) await run(blank);
  return { session, tensor, run };
}

/** Each candidate on the first photo's tensor: warm-up, then `runs` timed runs; median wins. */
export async function searchSessionOptions(
  bytes: Buffer,
  runs: number,
  candidates = CANDIDATE_OPTIONS,
  progress: (line: string) => void = () => undefined,
): Promise<FloorSearch> {
  const { ort } = loadOrt();
  const { data } = await tensorData(bytes);
  const trials: FloorSearch["trials"] = [];
  for (const options of candidates) {
    const { session, tensor, run } = await openSession(ort, options);
    const input = tensor(data);
    const runsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await run(input);
      runsMs.push(performance.now() - started);
    }
    await session.release();
    const medianMs = summarize(runsMs).p50Ms;
    progress(`${describeOptions(options)}: median ${medianMs.toFixed(0)} ms`);
    trials.push({ options, runsMs, medianMs });
  }
  const best = [...trials].sort((a, b) => a.medianMs - b.medianMs)[0];
  if (!best) throw new Error("no session options to try");
  return { trials, best: best.options };
}

export async function prepareFloor(options: FloorSessionOptions): Promise<PreparedContender> {
  const { ort, version } = loadOrt();
  const { session, tensor, run } = await openSession(ort, options);
  return {
    load: async (bytes) => {
      const { data, resizeMs, convertMs } = await tensorData(bytes);
      const input = tensor(data);
      return async () => {
        const started = performance.now();
        await run(input);
        return {
          outputBytes: 0,
          stages: {
            "session.run": performance.now() - started,
            "untimed: decode + stretch (sharp)": resizeMs,
            "untimed: to planar float32 (JS)": convertMs,
          },
        };
      };
    },
    close: () => session.release(),
    details: {
      use: "session.run({ input: tensor }, [output]) on a tensor made before timing",
      onnxruntime: `onnxruntime-node ${version} (core's)`,
      sessionOptions: options,
    },
  };
}
