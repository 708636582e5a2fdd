// Turns the runs into per-case summaries, ratios and goals: the report that format.ts prints and
// that `--json` writes.
import type { Machine } from "../report";
import { CASES, type CaseId, type Script } from "./cases";
import type { HttpReport } from "./http";
import { CONTENDER_IDS, CONTENDER_LABELS, type ContenderId, type ContenderRun } from "./protocol";
import type { RenderParams } from "./session";
import { median, summarize, type LatencySummary } from "./stats";

/** GenFlow's cold render must take at most this share of satori + resvg's time (2× faster). */
export const SATORI_GOAL = 0.5;
/** …and no longer than resvg rasterising GenFlow's finished SVG. */
export const FLOOR_GOAL = 1;
/** Over HTTP, GenFlow must keep at least this share of the anchor's req/s for cached responses. */
export const HTTP_GOAL = 0.8;

export interface ContenderSummary {
  contender: ContenderId;
  label: string;
  /** Over the measured renders of all rounds. */
  latency: LatencySummary;
  /** Renders per second (successful renders ÷ wall time), the median round's. */
  rendersPerSec: number;
  roundsRendersPerSec: number[];
  /** CPU time of the process per render (all threads), the median round's. */
  cpuMsPerRender: number;
  attempts: number;
  errors: number;
  errorRate: number;
  pngBytes: number;
  /** What the contender prepared (first round). */
  details: Record<string, unknown>;
}

export interface Goal {
  /** null when a contender it compares was not measured. */
  met: boolean | null;
  ratio: number | null;
}

export interface CaseReport {
  caseId: CaseId;
  label: string;
  script: Script;
  contenders: ContenderSummary[];
  ratios: {
    /** (a) p50 ÷ (b) p50. */
    genflowVsSatori: number | null;
    /** (a) p50 ÷ (c) p50. */
    genflowVsFloor: number | null;
  };
  goals: { fasterThanSatori: Goal; noSlowerThanFloor: Goal };
}

export interface ScalingRow {
  threads: number;
  rendersPerSec: number;
  roundsRendersPerSec: number[];
  latency: LatencySummary;
  errors: number;
}

export interface ScalingReport {
  caseId: CaseId;
  label: string;
  rows: ScalingRow[];
  /** Renders/s at the most threads ÷ at the fewest. */
  speedup: number | null;
}

export interface GenerateReport {
  date: string;
  machine: Machine;
  params: RenderParams;
  load: { start: number; end: number };
  /** The engine's font set (fonts and emoji packages with versions). */
  fontSet: string | null;
  /** What renders GenFlow's card (see genflow-pipeline.ts). */
  genflowRenderer: string | null;
  cases: CaseReport[];
  scaling: ScalingReport[];
  http: HttpReport;
  /** PASS (true), FAIL (false) or not measured (null), over every measured case. */
  goals: {
    fasterThanSatori: Record<Script, boolean | null>;
    noSlowerThanFloor: boolean | null;
    httpCached: boolean | null;
  };
  /** Checks of the comparison itself that did not pass (e.g. a satori tree out of date). */
  notes: string[];
  failures: string[];
}

const perSecond = (run: ContenderRun) =>
  run.elapsedMs > 0 ? (run.samplesMs.length * 1000) / run.elapsedMs : 0;

function summarizeRuns(contender: ContenderId, runs: ContenderRun[]): ContenderSummary {
  const attempts = runs.reduce((sum, r) => sum + r.attempts, 0);
  const errors = runs.reduce((sum, r) => sum + r.errors, 0);
  return {
    contender,
    label: CONTENDER_LABELS[contender],
    latency: summarize(runs.flatMap((r) => r.samplesMs)),
    rendersPerSec: median(runs.map(perSecond)),
    roundsRendersPerSec: runs.map(perSecond),
    cpuMsPerRender: median(runs.map((r) => (r.attempts > 0 ? r.cpuMs / r.attempts : 0))),
    attempts,
    errors,
    errorRate: attempts > 0 ? errors / attempts : 0,
    pngBytes: runs[0]?.pngBytes ?? 0,
    details: runs[0]?.details ?? {},
  };
}

const p50Ratio = (a: ContenderSummary | undefined, b: ContenderSummary | undefined) =>
  a && b && b.latency.count > 0 && a.latency.count > 0 ? a.latency.p50Ms / b.latency.p50Ms : null;

const goal = (ratio: number | null, limit: number): Goal => ({
  ratio,
  met: ratio === null ? null : ratio <= limit,
});

export function buildCaseReports(caseIds: CaseId[], runs: ContenderRun[]): CaseReport[] {
  return caseIds.map((caseId) => {
    const contenders = CONTENDER_IDS.flatMap((id) => {
      const mine = runs.filter((r) => r.caseId === caseId && r.contender === id);
      return mine.length > 0 ? [summarizeRuns(id, mine)] : [];
    });
    const by = (id: ContenderId) => contenders.find((c) => c.contender === id);
    const genflowVsSatori = p50Ratio(by("genflow"), by("satori"));
    const genflowVsFloor = p50Ratio(by("genflow"), by("resvg"));
    return {
      caseId,
      label: CASES[caseId].label,
      script: CASES[caseId].script,
      contenders,
      ratios: { genflowVsSatori, genflowVsFloor },
      goals: {
        fasterThanSatori: goal(genflowVsSatori, SATORI_GOAL),
        noSlowerThanFloor: goal(genflowVsFloor, FLOOR_GOAL),
      },
    };
  });
}

export function buildScaling(caseIds: CaseId[], runs: ContenderRun[]): ScalingReport[] {
  return caseIds.flatMap((caseId) => {
    const mine = runs.filter((r) => r.caseId === caseId && r.threads !== undefined);
    if (mine.length === 0) return [];
    const threadCounts = [...new Set(mine.map((r) => r.threads ?? 0))].sort((a, b) => a - b);
    const rows = threadCounts.map((threads): ScalingRow => {
      const at = mine.filter((r) => r.threads === threads);
      return {
        threads,
        rendersPerSec: median(at.map(perSecond)),
        roundsRendersPerSec: at.map(perSecond),
        latency: summarize(at.flatMap((r) => r.samplesMs)),
        errors: at.reduce((sum, r) => sum + r.errors, 0),
      };
    });
    const first = rows[0];
    const last = rows[rows.length - 1];
    return [
      {
        caseId,
        label: CASES[caseId].label,
        rows,
        speedup:
          first && last && rows.length > 1 && first.rendersPerSec > 0
            ? last.rendersPerSec / first.rendersPerSec
            : null,
      },
    ];
  });
}

export function buildGoals(cases: CaseReport[], http: HttpReport): GenerateReport["goals"] {
  const faster = (script: Script) =>
    overall(cases.filter((c) => c.script === script).map((c) => c.goals.fasterThanSatori));
  return {
    fasterThanSatori: { latin: faster("latin"), cjk: faster("cjk") },
    noSlowerThanFloor: overall(cases.map((c) => c.goals.noSlowerThanFloor)),
    httpCached: http.cached?.met ?? null,
  };
}

/** PASS when every measured case meets the goal, FAIL when one misses it, null if none measured. */
export function overall(goals: Goal[]): boolean | null {
  const measured = goals.filter((g) => g.met !== null);
  if (measured.length === 0) return null;
  return measured.every((g) => g.met === true);
}
