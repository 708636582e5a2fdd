// (a) in process: core's whole use case, `cutoutImage`, with the product's default options for the
// `quality` tier (transparent background, PNG) on an engine built as a host builds it: the model
// in one worker thread with `threads` intra-op threads. Stages come from the result's timings.
import {
  createCutoutEngine,
  cutoutImage,
  sourceCutoutWorker,
  type CutoutTier,
} from "@genflow/core/cutout";

import { checkPng, type PreparedContender } from "./contender";
import { BENCH_TIER, benchModel } from "./model";

export function prepareGenflow(threads: number): PreparedContender {
  const model = benchModel();
  const engine = createCutoutEngine({
    worker: sourceCutoutWorker(),
    threads,
    maxQueue: 4,
    timeoutMs: 300_000,
  });
  const models: Record<CutoutTier, typeof model> = { fast: model, quality: model };
  return {
    load: (bytes, photo) =>
      Promise.resolve(async () => {
        const result = await cutoutImage(
          { engine, models },
          { bytes, options: { tier: BENCH_TIER } },
        );
        if (result.contentType !== "image/png") throw new Error(`got ${result.contentType}`);
        checkPng(result.bytes, photo);
        const { decodeMs, inferMs, composeMs, totalMs } = result.timings;
        return {
          outputBytes: result.bytes.length,
          stages: {
            decode: decodeMs,
            "resize, hand-off, mask back to size": totalMs - decodeMs - inferMs - composeMs,
            "inference thread": inferMs,
            "compose + PNG": composeMs,
          },
        };
      }),
    close: () => engine.close(),
    details: {
      use: `cutoutImage({ engine, models }, { bytes, options: { tier: "${BENCH_TIER}" } })`,
      engine: `createCutoutEngine: 1 worker thread, ${threads} intra-op threads`,
      model: model.id,
    },
  };
}
