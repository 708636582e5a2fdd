// What every contender process measures about itself: its event loop and its memory.
import { monitorEventLoopDelay } from "node:perf_hooks";

import { percentile } from "../generate/stats";
import type { LagSummary } from "./protocol";

/** How often the event-loop monitor samples, in ms (Node's default). */
export const LAG_RESOLUTION_MS = 10;

/**
 * The event loop's delay while something runs: `perf_hooks.monitorEventLoopDelay`, whose samples
 * are the time between two of its timer ticks (the resolution included, which is taken off here).
 */
export function lagMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
  return {
    start() {
      histogram.reset();
      histogram.enable();
    },
    /** Stops sampling and summarises what was sampled since `start`. */
    stop(): LagSummary | null {
      histogram.disable();
      if (histogram.count === 0) return null;
      return {
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        samples: histogram.count,
      };
    },
  };
}

/** The process's highest resident set so far, in bytes (`maxRSS` is in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export interface Summary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    meanMs: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
