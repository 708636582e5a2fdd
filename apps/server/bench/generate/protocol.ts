// What the runner and a contender process agree on: the contenders, and the one JSON line a
// contender process prints when it is done (run-contender.ts).
import type { CaseId } from "./cases";

export const CONTENDER_IDS = ["genflow", "satori", "resvg"] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

export function isContenderId(value: string): value is ContenderId {
  return (CONTENDER_IDS as readonly string[]).includes(value);
}

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  genflow: "(a) GenFlow cold render",
  satori: "(b) satori + resvg",
  resvg: "(c) resvg on GenFlow's SVG",
};

export interface ContenderRun {
  contender: ContenderId;
  caseId: CaseId;
  /** Worker threads (scaling runs only). */
  threads?: number;
  /** Renders in flight at once. */
  concurrency: number;
  /** Latency of every successful measured render, in ms, in the order measured. */
  samplesMs: number[];
  attempts: number;
  errors: number;
  /** The first few error messages. */
  errorMessages: string[];
  /** Wall time of the measured renders, in ms. */
  elapsedMs: number;
  /** CPU time of the whole process (all threads) during the measured renders, in ms. */
  cpuMs: number;
  pngBytes: number;
  /** Preparation (fonts, engine, pool start) and the first, checked render, in ms. */
  prepareMs: number;
  firstRenderMs: number;
  details: Record<string, unknown>;
}
