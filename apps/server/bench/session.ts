// Runs benchmark targets one after another, each in its own process, for one or more rounds.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";

import { measure, verify, type LoadParams, type TargetResult } from "./measure";
import { formatSummary, summarizeFile } from "./profile-summary";
import type { TargetKind } from "./protocol";
import { spawnTarget } from "./target-process";

/** One row of a run: a target process and how to start it. */
export interface TargetSpec {
  id: string;
  kind: TargetKind;
  label: string;
  /** More arguments for target.ts (GenFlow variants). */
  targetArgs?: string[];
}

export interface SessionOptions {
  params: LoadParams;
  rounds: number;
  /** Profile every measured window into this folder and print a summary by layer. */
  cpuProfDir?: string | undefined;
}

export interface SessionResult {
  /** Each spec's median round, in the order of the specs; specs that never ran are missing. */
  results: TargetResult[];
  failures: string[];
}

export const progress = (message: string) => process.stderr.write(`${message}\n`);

/** A target's median round by requests per second; errors and non-2xx add up over all rounds. */
function medianRound(rounds: TargetResult[]): TargetResult {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error("no rounds measured");
  return {
    ...median,
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    roundsRequestsPerSec: rounds.map((r) => r.requestsPerSec),
  };
}

async function runOnce(
  spec: TargetSpec,
  options: SessionOptions,
  round: number,
): Promise<TargetResult> {
  const roundLabel = options.rounds > 1 ? ` (round ${round} of ${options.rounds})` : "";
  progress(`▸ ${spec.label}${roundLabel}: starting`);
  let cpuProfDir = options.cpuProfDir;
  if (cpuProfDir) {
    if (spec.targetArgs) cpuProfDir = path.join(cpuProfDir, spec.id);
    if (options.rounds > 1) cpuProfDir = path.join(cpuProfDir, `round-${round}`);
    mkdirSync(cpuProfDir, { recursive: true });
  }
  const target = await spawnTarget(spec.kind, { cpuProfDir, targetArgs: spec.targetArgs });
  let result: TargetResult;
  try {
    await verify(target.ready);
    const { warmupSec, durationSec, connections } = options.params;
    progress(
      `  verified; ${warmupSec} s warm-up + ${durationSec} s measured, ${connections} connections`,
    );
    result = { ...(await measure(target, options.params)), label: spec.label };
    progress(`  ${Math.round(result.requestsPerSec)} req/s, p99 ${result.latencyP99Ms} ms`);
  } finally {
    await target.stop();
  }
  const profile = cpuProfDir && path.join(cpuProfDir, `${spec.kind}.cpuprofile`);
  if (profile && existsSync(profile)) {
    progress(`  CPU profile of the measured window (${profile}):`);
    progress(formatSummary(summarizeFile(profile, result.totalRequests)));
  }
  return result;
}

/**
 * Measures every spec once per round. Rounds alternate the order, so a machine that gets busier
 * or quieter during the run does not favour one target. A target that fails to start or verify
 * is reported and left out of later rounds; one that answers with errors is reported.
 */
export async function runSession(
  specs: TargetSpec[],
  options: SessionOptions,
): Promise<SessionResult> {
  const runs = new Map<string, TargetResult[]>();
  const failures: string[] = [];
  const broken = new Set<string>();
  for (let round = 1; round <= options.rounds; round += 1) {
    const order = round % 2 === 1 ? specs : [...specs].reverse();
    for (const spec of order) {
      if (broken.has(spec.id)) continue;
      try {
        const result = await runOnce(spec, options, round);
        runs.set(spec.id, [...(runs.get(spec.id) ?? []), result]);
        if (result.errors > 0 || result.non2xx > 0) {
          const codes = JSON.stringify(result.statusCodes);
          failures.push(
            `${spec.label}: ${result.errors} errors, ${result.non2xx} non-2xx (${codes})`,
          );
        }
      } catch (error) {
        broken.add(spec.id);
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  const results = specs.flatMap((spec) => {
    const measured = runs.get(spec.id);
    return measured ? [medianRound(measured)] : [];
  });
  return { results, failures };
}
