import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import { Piscina } from "piscina";

import { DomainError } from "../../errors";
import { workerScript, type WorkerScript } from "../../generate/render/worker-script";
import type { CutoutModelConfig } from "../models";
import type { RefineOptions } from "../refine";
import type { InferenceJob, InferenceResult } from "./task";

/** What the engine reports, for a host's metrics. */
export interface CutoutMetrics {
  /** One inference (queue wait excluded), by model. */
  inferred(model: string, seconds: number): void;
  /** Photos waiting for the model, after each change. */
  queueLength(length: number): void;
  /** A photo refused because the queue was full, or stopped because it took too long. */
  rejected(reason: "queue_full" | "timeout"): void;
}

export interface CutoutEngineOptions {
  /** Told of every inference, the queue's length and refusals. */
  metrics?: CutoutMetrics | undefined;
  /** The inference worker to start (see `sourceCutoutWorker`). */
  worker: WorkerScript;
  /** Intra-op threads of each model's session. Default 2. */
  threads?: number;
  /**
   * Images inferred at the same time, each in its own thread with its own copy of the model
   * (memory grows with it: about 2 GB per thread for the medium model). Default 1.
   */
  concurrency?: number;
  /** Images that may wait for the model; past this, requests are refused. Default 16. */
  maxQueue?: number;
  /** Longest one image may take, waiting included. Default 60 s. */
  timeoutMs?: number;
  /** Told when a model fails to load, with the runtime's message (for the log). */
  onLoadError?: (model: CutoutModelConfig, message: string) => void;
  /** The thread (and with it every loaded model) ends after this long without work. Default 10 min. */
  idleUnloadMs?: number;
}

export interface SegmentResult {
  /** `inputSize`² bytes of alpha (the photo's size when refined). */
  mask: Uint8Array;
  inferMs: number;
  loadMs: number | undefined;
}

export interface CutoutEngine {
  /** The alpha mask of a square RGB image (see `InferenceJob`). */
  segment(
    model: CutoutModelConfig,
    rgb: Uint8Array,
    options?: {
      flip?: boolean;
      /** Answer the refined alpha at this size instead of the square mask (see `refineAlpha`). */
      refine?: { width: number; height: number; options: RefineOptions };
    },
  ): Promise<SegmentResult>;
  /** Images waiting, images being inferred, and the median of recent inference times. */
  stats(): { queued: number; running: number; p50InferMs: number | null };
  /**
   * Each model used so far: whether it is loaded (used within the idle period, so its session is
   * still in memory) and the last load error, if its last load failed.
   */
  models(): ReadonlyMap<string, { loaded: boolean; error: string | null }>;
  close(): Promise<void>;
}

/** The inference worker in this package's sources, for running without a build. */
export function sourceCutoutWorker(): WorkerScript {
  return workerScript(fileURLToPath(new URL("./worker.ts", import.meta.url)));
}

const RECENT = 50;

/**
 * Runs the models in worker threads, off the event loop: ONNX Runtime's `run` holds its thread
 * for the whole inference. With the default concurrency of one, one thread holds one session per
 * model, shared by every request, and the session's intra-op threads use the cores. Requests
 * beyond those running wait in a bounded queue; past it they are refused with LIMIT_EXCEEDED and
 * a retry hint from recent times. A thread idle for `idleUnloadMs` ends, unloading its models.
 */
export function createCutoutEngine(options: CutoutEngineOptions): CutoutEngine {
  const threads = options.threads ?? 2;
  const maxQueue = options.maxQueue ?? 16;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const concurrency = options.concurrency ?? 1;
  const idleUnloadMs = options.idleUnloadMs ?? 10 * 60_000;
  const pool = new Piscina<InferenceJob, InferenceResult>({
    filename: options.worker.filename,
    ...(options.worker.execArgv ? { execArgv: options.worker.execArgv } : {}),
    minThreads: 0,
    maxThreads: concurrency,
    concurrentTasksPerWorker: 1,
    maxQueue,
    idleTimeout: idleUnloadMs,
  });
  const usage = new Map<string, { lastUsed: number; error: string | null }>();
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
        options.metrics?.rejected("queue_full");
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
      // A thread is never stopped in the middle of ONNX Runtime's native work (that can take
      // the whole process down): past the deadline the caller gets TIMEOUT at once, a photo
      // still waiting is skipped when its turn comes, and one already running finishes in its
      // thread with nobody waiting for it.
      const deadline = Date.now() + timeoutMs;
      running += 1;
      const queued = pool.run(
        {
          model,
          rgb,
          flip: segmentOptions.flip ?? false,
          threads,
          refine: segmentOptions.refine,
          deadline,
        },
        { transferList: [rgb.buffer as ArrayBuffer] },
      );
      options.metrics?.queueLength(pool.queueSize);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), timeoutMs);
      });
      let result: InferenceResult | "late";
      try {
        result = await Promise.race([queued, late]);
      } catch (error) {
        throw new DomainError("INTERNAL", "Background removal failed", { cause: error });
      } finally {
        clearTimeout(timer);
        running -= 1;
        options.metrics?.queueLength(pool.queueSize);
      }
      if (result === "late" || (!result.ok && result.expired)) {
        // The run goes on without a caller; its outcome is of no use to anyone.
        queued.catch(() => undefined);
        options.metrics?.rejected("timeout");
        throw new DomainError("TIMEOUT", `Background removal took longer than ${timeoutMs} ms`);
      }
      if (!result.ok) {
        if (result.loadFailed) {
          usage.set(model.id, { lastUsed: 0, error: result.message });
          options.onLoadError?.(model, result.message);
          throw new DomainError("UNAVAILABLE", `The model ${model.id} could not be loaded`, {
            cause: new Error(result.message),
          });
        }
        throw new DomainError("INTERNAL", "Background removal failed", {
          cause: new Error(result.message),
        });
      }
      usage.set(model.id, { lastUsed: performance.now(), error: null });
      options.metrics?.inferred(model.id, result.inferMs / 1000);
      recent.push(result.inferMs);
      if (recent.length > RECENT) recent.shift();
      return { mask: result.mask, inferMs: result.inferMs, loadMs: result.loadMs };
    },
    stats: () => ({
      queued: pool.queueSize,
      running: Math.min(running, concurrency),
      p50InferMs: p50(),
    }),
    models: () =>
      new Map(
        [...usage].map(([id, { lastUsed, error }]) => [
          id,
          { loaded: error === null && performance.now() - lastUsed < idleUnloadMs, error },
        ]),
      ),
    // Waiting photos are dropped; one being inferred is let finish (see above).
    close: () => pool.close({ force: true }),
  };
}
