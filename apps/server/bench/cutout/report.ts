// The results of a run, the ratios between the contenders and the goals.
import type { Machine } from "../report";
import { summarize, type Summary } from "./measure";
import {
  CONTENDER_LABELS,
  type ContenderId,
  type ContenderRun,
  type FloorSearch,
  type FloorSessionOptions,
  type LagSummary,
} from "./protocol";

/** (a) must take at most this share of (b)'s time per image: at least 2× as fast. */
export const IMGLY_GOAL = 0.5;
/** (a) must take at most this multiple of (c)'s time per image. */
export const FLOOR_GOAL = 1.15;
/** The event loop of the process running (a) must stay under this, p99, in ms. */
export const LAG_GOAL_MS = 50;
/** RSS after the last image may exceed RSS after `RSS_EARLY_IMAGES` by at most this share. */
export const RSS_GROWTH_GOAL = 0.1;
export const RSS_EARLY_IMAGES = 20;

export interface RunParams {
  /** Photos in the set: each is one measured image per contender. */
  images: number;
  warmup: number;
  /** Images GenFlow's in-process run goes through in all (the set over and over), for RSS. */
  rssImages: number;
  /** Intra-op threads of GenFlow's engine. */
  threads: number;
  /** Timed runs per candidate in the floor's search for session options. */
  searchRuns: number;
}

export interface ContenderReport {
  id: ContenderId;
  label: string;
  status: "measured" | "skipped" | "failed";
  reason?: string | undefined;
  latency?: Summary;
  cpuMsPerImage?: number;
  errors?: number;
  meanOutputBytes?: number;
  peakRssBytes?: number;
  /** RSS after the 20th image past the warm-up, and after the last (with how many that was). */
  rssEarlyBytes?: number | null;
  rssEndBytes?: number;
  rssImages?: number;
  lag?: LagSummary | null;
  stages?: Record<string, number>;
  prepareMs?: number;
  warmupMs?: number[];
  details?: Record<string, unknown>;
}

export interface Goal {
  met: boolean | null;
  /** The measured value the goal is judged on (a ratio, ms, or a share). */
  value: number | null;
}

export interface VariantGoals {
  variant: "genflow" | "http";
  fasterThanImgly: Goal;
  nearFloor: Goal;
  lag: Goal;
}

export interface CutoutReport {
  date: string;
  machine: Machine;
  load: { start: number; end: number };
  params: RunParams;
  photos: { sizes: string; sources: string[]; setDir: string };
  floorSearch: FloorSearch | null;
  floorOptions: FloorSessionOptions | null;
  contenders: ContenderReport[];
  goals: VariantGoals[];
  rssFlat: Goal & { earlyBytes: number | null; endBytes: number | null; images: number };
  failures: string[];
}

export function measuredReport(run: ContenderRun): ContenderReport {
  const rss = run.memory.rssAfterBytes;
  const meanOutput =
    run.outputBytes.length > 0
      ? run.outputBytes.reduce((a, b) => a + b, 0) / run.outputBytes.length
      : 0;
  return {
    id: run.contender,
    label: CONTENDER_LABELS[run.contender],
    status: "measured",
    latency: summarize(run.samplesMs),
    cpuMsPerImage: run.samplesMs.length > 0 ? run.cpuMs / run.samplesMs.length : Number.NaN,
    errors: run.errors,
    meanOutputBytes: meanOutput,
    peakRssBytes: run.memory.peakRssBytes,
    rssEarlyBytes: rss.length >= RSS_EARLY_IMAGES ? (rss[RSS_EARLY_IMAGES - 1] ?? null) : null,
    rssEndBytes: rss[rss.length - 1] ?? Number.NaN,
    rssImages: rss.length,
    lag: run.lag,
    stages: run.stages,
    prepareMs: run.prepareMs,
    warmupMs: run.warmupMs,
    details: run.details,
  };
}

export function notMeasured(
  id: ContenderId,
  status: "skipped" | "failed",
  reason: string,
): ContenderReport {
  return { id, label: CONTENDER_LABELS[id], status, reason };
}

/**
 * The time per image the goals compare: the median, which a shared host's bursts (one image in
 * twenty taking twice as long, in either contender) do not move the way they move the mean.
 */
const medianOf = (c: ContenderReport | undefined) =>
  c?.status === "measured" && c.latency ? c.latency.p50Ms : null;

function ratioGoal(a: number | null, b: number | null, limit: number): Goal {
  if (a === null || b === null || !(b > 0)) return { met: null, value: null };
  const value = a / b;
  return { met: value <= limit, value };
}

export function buildGoals(contenders: ContenderReport[]): {
  goals: VariantGoals[];
  rssFlat: CutoutReport["rssFlat"];
} {
  const by = (id: ContenderId) => contenders.find((c) => c.id === id);
  const imgly = medianOf(by("imgly"));
  const floor = medianOf(by("floor"));
  const goals = (["genflow", "http"] as const).flatMap((variant): VariantGoals[] => {
    const own = by(variant);
    if (own?.status !== "measured") return [];
    const p99 = own.lag?.p99Ms ?? null;
    return [
      {
        variant,
        fasterThanImgly: ratioGoal(medianOf(own), imgly, IMGLY_GOAL),
        nearFloor: ratioGoal(medianOf(own), floor, FLOOR_GOAL),
        lag: { met: p99 === null ? null : p99 < LAG_GOAL_MS, value: p99 },
      },
    ];
  });
  const genflow = by("genflow");
  const early = genflow?.rssEarlyBytes ?? null;
  const end = genflow?.rssEndBytes ?? null;
  const images = genflow?.rssImages ?? 0;
  const judged = early !== null && end !== null && images > RSS_EARLY_IMAGES;
  const growth = judged ? end / early - 1 : null;
  return {
    goals,
    rssFlat: {
      met: growth === null ? null : growth <= RSS_GROWTH_GOAL,
      value: growth,
      earlyBytes: early,
      endBytes: end,
      images,
    },
  };
}
