// What the runner and its contender processes agree on: the contenders, the photo set they all
// read, and the one JSON line a contender process prints when it is done (run-contender.ts).

export const CONTENDER_IDS = ["genflow", "http", "imgly", "floor"] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

export function isContenderId(value: string): value is ContenderId {
  return (CONTENDER_IDS as readonly string[]).includes(value);
}

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  genflow: "(a) GenFlow, in process",
  http: "(a) GenFlow over HTTP",
  imgly: "(b) @imgly/background-removal-node",
  floor: "(c) bare session.run",
};

/** One photo of the run, as a file in the set's folder. */
export interface BenchPhoto {
  file: string;
  /** The GrabCut photo it was made from. */
  source: string;
  width: number;
  height: number;
  bytes: number;
}

/** The photos every contender cuts out, in this order; written as JSON next to them. */
export interface PhotoSet {
  dir: string;
  photos: BenchPhoto[];
}

/** ONNX Runtime session options tried for the floor (a subset of `InferenceSession.SessionOptions`). */
export interface FloorSessionOptions {
  executionMode: "sequential" | "parallel";
  intraOpNumThreads: number;
  interOpNumThreads: number;
  graphOptimizationLevel: "disabled" | "basic" | "extended" | "all";
}

export interface LagSummary {
  /** Event-loop delay beyond the monitor's resolution, in ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Samples the monitor took (one per resolution interval the loop was free to take one). */
  samples: number;
}

export interface MemoryReport {
  /** Highest resident set of the process over its whole life (model load included), in bytes. */
  peakRssBytes: number;
  /** Resident set after each image past the warm-up, in bytes, in order. */
  rssAfterBytes: number[];
}

export interface ContenderRun {
  contender: ContenderId;
  /** Wall time of each measured image, in ms, in the order of the photo set. */
  samplesMs: number[];
  /** CPU time of the process (all threads) over the measured images, in ms. */
  cpuMs: number;
  /** Size of each measured output, in bytes (0 for the floor, which encodes nothing). */
  outputBytes: number[];
  errors: number;
  errorMessages: string[];
  /** Loading the model and everything else before the first image, in ms. */
  prepareMs: number;
  /** The warm-up images (discarded), in ms each. */
  warmupMs: number[];
  memory: MemoryReport;
  /** The process's event loop while it ran the measured images (and the RSS images after them). */
  lag: LagSummary | null;
  /** Mean ms per named stage over the measured images, where the contender reports stages. */
  stages: Record<string, number>;
  details: Record<string, unknown>;
}

/** What the floor's search for session options prints. */
export interface FloorSearch {
  trials: { options: FloorSessionOptions; runsMs: number[]; medianMs: number }[];
  best: FloorSessionOptions;
}
