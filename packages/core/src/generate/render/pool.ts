import { availableParallelism } from "node:os";

import { Piscina } from "piscina";

import { DomainError } from "../../errors";
import type { Logger } from "../../ports";
import type {
  CardRenderer,
  GenerateMetrics,
  RenderJob,
  RenderLane,
  RenderOptions,
  RenderedCard,
} from "../ports";
import { renderStopFlag, stopRender, type RenderTask, type RenderTaskResult } from "./task";
import type { WorkerScript } from "./worker-script";

export interface CardRendererOptions {
  /** The render worker to start (see `workerScript` and `sourceRenderWorker`). */
  worker: WorkerScript;
  /** Threads rendering PNG, WebP, JPEG and SVG cards. Default: one per core. */
  threads?: number;
  /** Renders that may wait for one of those threads; past this, requests are refused. Default: 8 per thread. */
  maxQueue?: number;
  /** Threads encoding AVIF, which is many times slower than the other formats. Default: 1. */
  avifThreads?: number;
  /** Renders that may wait for an AVIF thread. Default: 4 per thread. */
  avifMaxQueue?: number;
  /** Longest a render may take, waiting in the queue included. Default: 20 s. */
  timeoutMs?: number;
  metrics?: GenerateMetrics;
  log?: Logger;
}

/** Typical render times to start retry hints from, before any render has been timed. */
const INITIAL_RENDER_MS: Record<RenderLane, number> = { standard: 250, avif: 1_500 };
/** Weight of the newest render in the running average of render times. */
const AVERAGE_WEIGHT = 0.2;
/** AVIF threads are started on demand and ended after this long without work. */
const AVIF_IDLE_MS = 5 * 60_000;
/**
 * Young generation of a render thread, in MiB: V8's smallest (1 MiB semi-spaces), where the default
 * lets it grow to 48. A render leaves its pixels (two 3 MB copies at 1200×630: resvg's drawing and
 * the Buffer read from it) in native memory that is freed only once the small JS objects owning
 * it are collected. With the default young generation that is every few dozen renders, so each
 * render's pixels go to memory the allocator has to take afresh from the system: a page fault
 * per 4 KiB, about 1,500 per card, which took resvg's drawing of the Latin article cover from
 * 3.8 ms to 25 ms (p50) on the 2-core virtual machine the benchmark runs on (about 12 µs a
 * fault there). A render makes around a megabyte of short-lived objects, most of them while
 * composing, so with the smallest young generation a collection usually falls within each
 * composition, and the render task frees what it collected before resvg draws (task.ts): the
 * new pixels reuse the old ones' pages, and back-to-back renders of the sample cards draw with
 * next to no faults. A card with little text makes fewer objects and is not collected every
 * render; some of its renders still fault.
 */
const RENDER_YOUNG_GENERATION_MB = 3;

class Lane {
  readonly pool: Piscina<RenderTask, RenderTaskResult | null>;
  /** Settles once every thread started with the pool has loaded its fonts. */
  readonly warmedUp: Promise<unknown>;
  private averageMs: number;

  constructor(
    readonly name: RenderLane,
    readonly threads: number,
    readonly maxQueue: number,
    worker: WorkerScript,
    log: Logger | undefined,
  ) {
    this.averageMs = INITIAL_RENDER_MS[name];
    this.pool = new Piscina<RenderTask, RenderTaskResult | null>({
      filename: worker.filename,
      ...(worker.execArgv ? { execArgv: worker.execArgv } : {}),
      name: "default",
      // The standard lane keeps its threads (and their parsed fonts) warm.
      minThreads: name === "standard" ? threads : 0,
      maxThreads: threads,
      idleTimeout: name === "standard" ? Number.POSITIVE_INFINITY : AVIF_IDLE_MS,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxYoungGenerationSizeMb: RENDER_YOUNG_GENERATION_MB },
      // Piscina's default ("sync") parks an idle thread in a blocking Atomics.wait, where its
      // event loop stands still, and native memory the GC has collected stays allocated until
      // the next render. "async" waits with the loop running; the round trip costs the same
      // (about 0.8 ms p50 for an empty task either way).
      atomics: "async",
    });
    // A worker that fails outside a task (e.g. while starting) must not crash the process.
    this.pool.on("error", (error: unknown) => {
      log?.error({ err: error, lane: name }, "card render worker failed");
    });
    // One warm-up per kept thread; each takes the first free thread, which is nearly always a
    // different one, since a thread starts in a fraction of the time a warm-up takes.
    const kept = name === "standard" ? threads : 0;
    this.warmedUp = Promise.all(
      Array.from({ length: kept }, () =>
        this.pool.run({ kind: "warm" }).catch((error: unknown) => {
          log?.error({ err: error, lane: name }, "card render worker could not warm up");
        }),
      ),
    );
  }

  /** Renders accepted and not yet finished: running on a thread or waiting for one. */
  inFlight = 0;

  get queued(): number {
    return this.pool.queueSize;
  }

  /** Whether another render would have to wait beyond the queue's bound. */
  get full(): boolean {
    return this.inFlight >= this.threads + this.maxQueue;
  }

  observe(ms: number): void {
    this.averageMs += (ms - this.averageMs) * AVERAGE_WEIGHT;
  }

  /** About when a refused request would find room: the queue ahead of it, spread over the threads. */
  retryAfterMs(): number {
    const estimate = (this.averageMs * (this.queued + 1)) / this.threads;
    return Math.min(60_000, Math.max(100, Math.ceil(estimate)));
  }
}

/** `work`'s outcome, or the signal's reason as soon as it is aborted (the work goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", abort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * The worker-thread pool cards are rendered in: one lane for PNG, WebP, JPEG and SVG, one for AVIF,
 * each with a bounded queue and a per-render timeout. Created by a composition root and closed on
 * shutdown; the worker file comes from the caller, since where it lives depends on how the host
 * was built.
 */
export function createCardRenderer(options: CardRendererOptions): CardRenderer {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const avifThreads = Math.max(1, options.avifThreads ?? 1);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const { metrics, log } = options;
  const lanes: Record<RenderLane, Lane> = {
    standard: new Lane("standard", threads, options.maxQueue ?? threads * 8, options.worker, log),
    avif: new Lane(
      "avif",
      avifThreads,
      options.avifMaxQueue ?? avifThreads * 4,
      options.worker,
      log,
    ),
  };
  let closed = false;

  const reportQueue = (lane: Lane) => metrics?.queueLength(lane.name, lane.queued);

  /** Renders under way by key, with how many callers still wait for each. */
  const shared = new Map<
    string,
    { card: Promise<RenderedCard>; waiting: number; controller: AbortController }
  >();

  function render(job: RenderJob, renderOptions: RenderOptions = {}): Promise<RenderedCard> {
    const { key, signal, ...rest } = renderOptions;
    if (key === undefined) return renderOnce(job, renderOptions);
    // A caller already gone neither starts nor joins a render.
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    let entry = shared.get(key);
    if (!entry) {
      const controller = new AbortController();
      const card = renderOnce(job, { ...rest, signal: controller.signal }).finally(() => {
        shared.delete(key);
      });
      // Every caller gets the outcome through its own promise; a render all of them left ends
      // with nobody listening, which is not an unhandled failure.
      card.catch(() => undefined);
      entry = { card, waiting: 0, controller };
      shared.set(key, entry);
    }
    const joined = entry;
    joined.waiting += 1;
    if (!signal) return joined.card;
    return new Promise<RenderedCard>((resolve, reject) => {
      const leave = () => {
        joined.waiting -= 1;
        // The last caller to go stops the render; the others still get their card.
        if (joined.waiting === 0) joined.controller.abort(signal.reason);
        reject(signal.reason as Error);
      };
      signal.addEventListener("abort", leave, { once: true });
      void joined.card.then(resolve, reject).finally(() => {
        signal.removeEventListener("abort", leave);
      });
    });
  }

  async function renderOnce(
    job: RenderJob,
    renderOptions: RenderOptions = {},
  ): Promise<RenderedCard> {
    if (closed) throw new DomainError("UNAVAILABLE", "Cards cannot be rendered right now");
    // A caller already gone does not start a render.
    if (renderOptions.signal?.aborted) throw renderOptions.signal.reason as Error;
    const lane = lanes[job.format === "avif" ? "avif" : "standard"];
    if (lane.full) {
      metrics?.rejected(lane.name, "queue_full");
      const retryAfterMs = lane.retryAfterMs();
      throw new DomainError(
        "LIMIT_EXCEEDED",
        "Too many cards are being rendered right now; try again shortly",
        { retryAfterMs, details: { retryAfterMs, lane: lane.name } },
      );
    }
    const limitMs = renderOptions.timeoutMs ?? timeoutMs;
    const timeout = AbortSignal.timeout(limitMs);
    const caller = renderOptions.signal;
    const signal = caller ? AbortSignal.any([caller, timeout]) : timeout;
    const stop = renderStopFlag();
    // The render holds its place in the lane until its thread is done with it, even when its
    // caller has stopped waiting, so the queue's bound counts every thread that is busy.
    lane.inFlight += 1;
    const running = lane.pool.run({ kind: "render", job, stop });
    const finished = () => {
      lane.inFlight -= 1;
      reportQueue(lane);
    };
    void running.then(finished, finished);
    reportQueue(lane);
    let result: RenderTaskResult | null;
    try {
      result = await untilAborted(running, signal);
    } catch (error) {
      // The thread stops at the render's next stage boundary; it is not ended (see RenderTask).
      stopRender(stop);
      if (caller?.aborted) throw caller.reason;
      if (timeout.aborted) {
        metrics?.rejected(lane.name, "timeout");
        throw new DomainError(
          "TIMEOUT",
          `The card took longer than ${Math.round(limitMs / 100) / 10} s to render`,
          { details: { timeoutMs: limitMs }, cause: error },
        );
      }
      throw new DomainError("INTERNAL", "The card could not be rendered", { cause: error });
    }
    if (!result || "stopped" in result) {
      throw new DomainError("INTERNAL", "The card could not be rendered");
    }
    lane.observe(result.ms);
    if (!result.ok) {
      throw new DomainError(result.code, result.message, {
        ...(result.details ? { details: result.details } : {}),
        ...(result.cause ? { cause: new Error(result.cause) } : {}),
      });
    }
    metrics?.renderDuration(
      { template: job.card.templateId, format: job.format },
      result.ms / 1000,
    );
    return result.card;
  }

  return {
    render,
    queued: () => ({ standard: lanes.standard.queued, avif: lanes.avif.queued }),
    async close() {
      if (closed) return;
      closed = true;
      // A thread is ended only between tasks: once warmed up, and after the renders it holds.
      await Promise.all(
        Object.values(lanes).map(async (lane) => {
          await lane.warmedUp;
          await lane.pool.close();
        }),
      );
    },
  };
}
