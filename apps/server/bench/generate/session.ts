// Runs every contender on every case, each time in a fresh process, for one or more rounds; then
// GenFlow's worker pool at each thread count. Rounds alternate the order, so a machine that gets
// busier or quieter during the run does not favour one contender.
import path from "node:path";

import { CASES, type CaseId } from "./cases";
import { runJson } from "./processes";
import { CONTENDER_LABELS, type ContenderId, type ContenderRun } from "./protocol";
import { summarize } from "./stats";

export interface RenderParams {
  /** Measured renders per contender, case and round. */
  iterations: number;
  /** Discarded renders before them (per worker thread in scaling runs). */
  warmup: number;
  rounds: number;
  /** Worker-thread counts for the scaling runs (empty: no scaling runs). */
  threads: number[];
}

export interface SessionInput {
  cases: CaseId[];
  contenders: ContenderId[];
  params: RenderParams;
  /** Write each contender's first PNG of each case here (first round only). */
  savePngDir?: string | undefined;
}

export interface SessionOutput {
  /** Every run of every contender on every case, all rounds. */
  runs: ContenderRun[];
  /** Scaling runs of GenFlow's pool, all rounds. */
  scaling: ContenderRun[];
  failures: string[];
}

export const progress = (message: string) => process.stderr.write(`${message}\n`);

/** A contender process gets this long to prepare, warm up and render everything. */
const RUN_TIMEOUT_MS = 15 * 60_000;

const alternate = <T>(items: T[], round: number) =>
  round % 2 === 1 ? items : [...items].reverse();

function describe(run: ContenderRun): string {
  const latency = summarize(run.samplesMs);
  const perSec = (run.samplesMs.length * 1000) / run.elapsedMs;
  const errors = run.errors > 0 ? `, ${run.errors} errors` : "";
  return `p50 ${latency.p50Ms.toFixed(1)} ms, p99 ${latency.p99Ms.toFixed(1)} ms, ${perSec.toFixed(1)} renders/s${errors}`;
}

export async function runSession(input: SessionInput): Promise<SessionOutput> {
  const { params } = input;
  const runs: ContenderRun[] = [];
  const scaling: ContenderRun[] = [];
  const failures: string[] = [];
  const broken = new Set<string>();

  const measure = async (
    key: string,
    label: string,
    args: string[],
    into: ContenderRun[],
  ): Promise<void> => {
    if (broken.has(key)) return;
    progress(`▸ ${label}`);
    try {
      const run = await runJson<ContenderRun>(label, "run-contender.ts", args, RUN_TIMEOUT_MS);
      into.push(run);
      progress(`  ${describe(run)}`);
      if (run.errors > 0)
        failures.push(
          `${label}: ${run.errors} of ${run.attempts} renders failed (${run.errorMessages.join("; ")})`,
        );
    } catch (error) {
      broken.add(key);
      const message = error instanceof Error ? error.message : String(error);
      failures.push(message);
      progress(`  FAILED: ${message}`);
    }
  };

  for (let round = 1; round <= params.rounds; round += 1) {
    const roundLabel = params.rounds > 1 ? ` (round ${round} of ${params.rounds})` : "";
    for (const caseId of alternate(input.cases, round)) {
      for (const contender of alternate(input.contenders, round)) {
        const args = [
          contender,
          caseId,
          "--iterations",
          String(params.iterations),
          "--warmup",
          String(params.warmup),
        ];
        if (input.savePngDir && round === 1)
          args.push("--save", path.join(input.savePngDir, `${caseId}-${contender}.png`));
        const label = `${CASES[caseId].label}: ${CONTENDER_LABELS[contender]}${roundLabel}`;
        await measure(`${caseId}/${contender}`, label, args, runs);
      }
    }
  }

  if (input.contenders.includes("genflow")) {
    for (let round = 1; round <= params.rounds; round += 1) {
      const roundLabel = params.rounds > 1 ? ` (round ${round} of ${params.rounds})` : "";
      for (const caseId of alternate(input.cases, round)) {
        for (const threads of alternate(params.threads, round)) {
          const args = [
            "genflow",
            caseId,
            "--threads",
            String(threads),
            "--iterations",
            String(params.iterations),
            "--warmup",
            String(params.warmup),
          ];
          const label = `${CASES[caseId].label}: GenFlow worker pool, ${threads} thread${threads === 1 ? "" : "s"}${roundLabel}`;
          await measure(`${caseId}/pool-${threads}`, label, args, scaling);
        }
      }
    }
  }

  return { runs, scaling, failures };
}
