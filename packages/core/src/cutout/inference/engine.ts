import { fileURLToPath } from "node:url";

import { Piscina } from "piscina";

import { DomainError } from "../../errors";
import { workerScript, type WorkerScript } from "../../generate/render/worker-script";
import type { CutoutModelConfig } from "../models";
import type { InferenceJob, InferenceResult } from "./task";

export interface CutoutEngineOptions {
  /** The inference worker to start (see `sourceCutoutWorker`). */
  worker: WorkerScript;
  /** Intra-op threads of each model's session. Default 2. */
  threads?: number;
  /** Images that may wait for the model; past this, requests are refused. Default 16. */
  maxQueue?: number;
  /** Longest one image may take, waiting included. Default 60 s. */
  timeoutMs?: number;
  /** The thread (and with it every loaded model) ends after this long without work. Default 10 min. */
  idleUnloadMs?: number;
}

export interface SegmentResult {
  /** `inputSize`² bytes of alpha. */
  mask: Uint8Array;
  inferMs: number;
  loadMs: number | undefined;
}

export interface CutoutEngine {
  /** The alpha mask of a square RGB image (see `InferenceJob`). */
  segment(
    model: CutoutModelConfig,
    rgb: Uint8Array,
    options?: { flip?: boolean },
  ): Promise<SegmentResult>;
  /** Images waiting, images being inferred, and the median of recent inference times. */
  stats(): { queued: number; running: number; p50InferMs: number | null };
  close(): Promise<void>;
}

/** The inference worker in this package's sources, for running without a build. */
export function sourceCutoutWorker(): WorkerScript {
  return workerScript(fileURLToPath(new URL("./worker.ts", import.meta.url)));
}

const RECENT = 50;

/**
 * Runs the models in one worker thread, off the event loop: ONNX Runtime's `run` holds its thread
 * for the whole inference. One thread means one session per model, shared by every request; the
 * session's intra-op threads use the cores. Requests beyond the one running wait in a bounded
 * queue; past it they are refused with LIMIT_EXCEEDED and a retry hint from recent times.
 */
export function createCutoutEngine(options: CutoutEngineOptions): CutoutEngine {
  const threads = options.threads ?? 2;
  const maxQueue = options.maxQueue ?? 16;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pool = new Piscina<InferenceJob, InferenceResult>({
    filename: options.worker.filename,
    ...(options.worker.execArgv ? { execArgv: options.worker.execArgv } : {}),
    minThreads: 0,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
    maxQueue,
    idleTimeout: options.idleUnloadMs ?? 10 * 60_000,
  });
  const recent: number[] = [];
  let running = 0;

  const p50 = () => {
    if (recent.length === 0) return null;
    const sorted = [...recent].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? null;
  };

  return {
    async segment(model, rgb, segmentOptions = {}) {
      if (pool.queueSize >= maxQueue) {
        const each = p50() ?? 1_500;
        throw new DomainError(
          "LIMIT_EXCEEDED",
          "Too many images are waiting for background removal",
          {
            retryAfterMs: Math.ceil(each * (pool.queueSize + 1)),
            details: { queued: pool.queueSize },
          },
        );
      }
      const signal = AbortSignal.timeout(timeoutMs);
      running += 1;
      let result: InferenceResult;
      try {
        result = await pool.run(
          { model, rgb, flip: segmentOptions.flip ?? false, threads },
          { signal, transferList: [rgb.buffer as ArrayBuffer] },
        );
      } catch (error) {
        if (signal.aborted) {
          throw new DomainError("TIMEOUT", `Background removal took longer than ${timeoutMs} ms`);
        }
        throw new DomainError("INTERNAL", "Background removal failed", { cause: error });
      } finally {
        running -= 1;
      }
      if (!result.ok) {
        if (result.loadFailed) {
          throw new DomainError("UNAVAILABLE", `The model ${model.id} could not be loaded`, {
            cause: new Error(result.message),
          });
        }
        throw new DomainError("INTERNAL", "Background removal failed", {
          cause: new Error(result.message),
        });
      }
      recent.push(result.inferMs);
      if (recent.length > RECENT) recent.shift();
      return { mask: result.mask, inferMs: result.inferMs, loadMs: result.loadMs };
    },
    stats: () => ({ queued: pool.queueSize, running: Math.min(running, 1), p50InferMs: p50() }),
    close: () => pool.destroy(),
  };
}
