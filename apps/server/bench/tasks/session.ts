// Runs every contender once per round, each with fresh processes and a Redis prefix of its own.
// Rounds alternate the order, so a machine that gets busier or quieter during the run does not
// favour one contender.
import { summarize } from "../generate/stats";
import { CONTENDERS, type ContenderId } from "./protocol";
import {
  progress,
  runContender,
  type ContenderRun,
  type RunParams,
  type RunServices,
} from "./run-contender";

const alternate = <T>(items: readonly T[], round: number) =>
  round % 2 === 1 ? [...items] : [...items].reverse();

const fixed = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";

function describe(run: ContenderRun): string {
  const latency = summarize(run.latenciesMs);
  const perSec = (run.tasks * 1000) / run.wallMs;
  return [
    `${fixed(run.tasks)} tasks in ${fixed(run.wallMs)} ms (enqueued in ${fixed(run.enqueueMs)} ms)`,
    `${fixed(perSec)} tasks/s`,
    `p50 ${fixed(latency.p50Ms, 1)} ms, p99 ${fixed(latency.p99Ms, 1)} ms`,
    `per worker ${run.perWorker.join("/")}`,
    `lost ${run.lost}, duplicated ${run.duplicated}, not succeeded ${run.failed}`,
  ].join("; ");
}

export async function runSession(
  contenders: ContenderId[],
  params: RunParams,
  rounds: number,
  services: RunServices,
  /** Stops the session before its next run. */
  signal: AbortSignal,
): Promise<{ runs: ContenderRun[]; failures: string[] }> {
  const runs: ContenderRun[] = [];
  const failures: string[] = [];
  const broken = new Set<ContenderId>();
  for (let round = 1; round <= rounds; round += 1) {
    const roundLabel = rounds > 1 ? ` (round ${round} of ${rounds})` : "";
    for (const contender of alternate(contenders, round)) {
      if (signal.aborted) return { runs, failures };
      if (broken.has(contender)) continue;
      const label = `${CONTENDERS[contender].label}${roundLabel}`;
      progress(`▸ ${label}`);
      try {
        const run = await runContender(contender, round, params, services);
        runs.push(run);
        progress(`  ${describe(run)}`);
      } catch (error) {
        broken.add(contender);
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${label}: ${message}`);
        progress(`  FAILED: ${message}`);
      }
    }
  }
  return { runs, failures };
}
