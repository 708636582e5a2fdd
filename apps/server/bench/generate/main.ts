// `pnpm bench:generate`: GenFlow's share-card rendering against satori + resvg (what @vercel/og
// does) and against resvg alone on GenFlow's SVG, on the same cards with the same fonts, each
// contender in its own process; then GenFlow's worker pool at 1 and 2 threads. See
// docs/benchmarks.md for the method.
//
//   --iterations <n>    measured renders per contender and card (BENCH_GENERATE_ITERATIONS, 200)
//   --warmup <n>        discarded renders before them (BENCH_GENERATE_WARMUP, default 20)
//   --rounds <n>        measure everything n times, alternating the order; latency over all
//                       rounds, renders/s of the median round (BENCH_GENERATE_ROUNDS, default 1)
//   --cases <list>      comma-separated subset of cover-latin,cover-cjk,quote-latin,quote-cjk
//   --contenders <list> comma-separated subset of genflow,satori,resvg
//   --threads <list>    worker-pool sizes for the scaling runs (default 1,2); --no-scaling skips them
//   --quick             5 warm-up + 30 measured renders, for a smoke run
//   --json              print the results as JSON on stdout (progress goes to stderr)
//   --save-png [dir]    write each contender's first PNG of each card (default: a fresh temp folder)
//   --no-doc            do not update docs/benchmarks.md
//   --http              also measure over HTTP, through `POST /api/generate` (see http.ts):
//                       --connections <n> (50), --http-duration <s> (10), --http-warmup <s> (3),
//                       --http-case <case> (cover-latin), --cold-requests <n> (100)
//
// docs/benchmarks.md is only rewritten after a run of every card and contender with the default
// render counts and no failures. Exits 1 when a contender fails to start, fails its check or
// fails any render.
import path from "node:path";
import { parseArgs } from "node:util";

import { FONT_SET_ID } from "@genflow/core/generate";

import { takeFolderFlag } from "../cli";
import { currentLoad, describeMachine, DOC_PATH } from "../report";
import { CASE_IDS, isCaseId, type CaseId } from "./cases";
import { CONTENDER_IDS, isContenderId, type ContenderId } from "./protocol";
import { runHttp, type HttpParams, type HttpReport } from "./http";
import { formatConsole, updateDoc } from "./format";
import { buildCaseReports, buildGoals, buildScaling, type GenerateReport } from "./report";
import { progress, runSession, type RenderParams } from "./session";
import { checkSatoriTrees } from "./verify";

const DEFAULTS: RenderParams = { iterations: 200, warmup: 20, rounds: 1, threads: [1, 2] };
const QUICK: RenderParams = { iterations: 30, warmup: 5, rounds: 1, threads: [1, 2] };
const HTTP_DEFAULTS: HttpParams = {
  connections: 50,
  warmupSec: 3,
  durationSec: 10,
  coldRequests: 100,
};

interface Options {
  params: RenderParams;
  cases: CaseId[];
  contenders: ContenderId[];
  json: boolean;
  savePngDir: string | undefined;
  writeDoc: boolean;
  http: { params: HttpParams; caseId: CaseId } | undefined;
  quick: boolean;
}

function number(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

const integer = (name: string, value: string | undefined, fallback: number, min: number) =>
  Math.floor(number(name, value, fallback, min));

/** A comma-separated subset of `all`, always in the canonical order. */
function subset<T extends string>(
  name: string,
  value: string | undefined,
  all: readonly T[],
  is: (v: string) => v is T,
): T[] {
  if (value === undefined) return [...all];
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((v) => !is(v));
  if (unknown.length > 0 || list.length === 0)
    throw new Error(`${name}: use some of ${all.join(", ")} (got "${value}")`);
  return all.filter((v) => list.includes(v));
}

function readOptions(argv: string[]): Options {
  // `pnpm bench:generate -- --json` passes the separator through.
  const args = argv.filter((arg) => arg !== "--");
  const savePngDir = takeFolderFlag(args, "--save-png", "genflow-bench-cards-");
  const { values } = parseArgs({
    args,
    options: {
      iterations: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      cases: { type: "string" },
      contenders: { type: "string" },
      threads: { type: "string" },
      "no-scaling": { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "no-doc": { type: "boolean", default: false },
      http: { type: "boolean", default: false },
      connections: { type: "string" },
      "http-duration": { type: "string" },
      "http-warmup": { type: "string" },
      "http-case": { type: "string" },
      "cold-requests": { type: "string" },
    },
  });
  const env = process.env;
  const base = values.quick ? QUICK : DEFAULTS;
  const threads = values["no-scaling"]
    ? []
    : values.threads === undefined
      ? base.threads
      : [
          ...new Set(values.threads.split(",").map((t) => integer("--threads", t.trim(), 1, 1))),
        ].sort((a, b) => a - b);
  const params: RenderParams = {
    iterations: integer(
      "--iterations",
      values.iterations ?? env.BENCH_GENERATE_ITERATIONS,
      base.iterations,
      1,
    ),
    warmup: integer("--warmup", values.warmup ?? env.BENCH_GENERATE_WARMUP, base.warmup, 0),
    rounds: integer("--rounds", values.rounds ?? env.BENCH_GENERATE_ROUNDS, base.rounds, 1),
    threads,
  };
  const httpCase = values["http-case"] ?? "cover-latin";
  if (!isCaseId(httpCase)) throw new Error(`--http-case: use one of ${CASE_IDS.join(", ")}`);
  return {
    params,
    cases: subset("--cases", values.cases ?? env.BENCH_GENERATE_CASES, CASE_IDS, isCaseId),
    contenders: subset("--contenders", values.contenders, CONTENDER_IDS, isContenderId),
    json: values.json,
    savePngDir,
    writeDoc: !values["no-doc"],
    quick: values.quick,
    http: values.http
      ? {
          caseId: httpCase,
          params: {
            connections: integer("--connections", values.connections, HTTP_DEFAULTS.connections, 1),
            durationSec: number(
              "--http-duration",
              values["http-duration"],
              HTTP_DEFAULTS.durationSec,
              1,
            ),
            warmupSec: number("--http-warmup", values["http-warmup"], HTTP_DEFAULTS.warmupSec, 0),
            coldRequests: integer(
              "--cold-requests",
              values["cold-requests"],
              HTTP_DEFAULTS.coldRequests,
              1,
            ),
          },
        }
      : undefined,
  };
}

const NOT_ASKED: HttpReport = {
  status: "not-measured",
  reason: "run with --http",
  rows: [],
};

async function main() {
  const options = readOptions(process.argv.slice(2));
  const loadStart = currentLoad();
  if (loadStart > 1)
    progress(
      `note: 1-minute load average is ${loadStart.toFixed(2)}; other work will skew the numbers`,
    );

  const notes = options.contenders.includes("satori") ? checkSatoriTrees(options.cases) : [];
  for (const note of notes) progress(`note: ${note}`);

  const session = await runSession({
    cases: options.cases,
    contenders: options.contenders,
    params: options.params,
    savePngDir: options.savePngDir,
  });
  const failures = [...session.failures];

  let http = NOT_ASKED;
  if (options.http) {
    try {
      http = await runHttp(options.http.caseId, options.http.params);
      for (const row of http.rows) {
        if (row.errors > 0 || row.unexpected > 0)
          failures.push(
            `HTTP, ${row.label}: ${row.errors} errors, ${row.unexpected} unexpected responses (${JSON.stringify(row.statusCodes)})`,
          );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`HTTP: ${message}`);
      http = { status: "not-measured", reason: message, rows: [] };
    }
  }

  const genflowRun = session.runs.find((r) => r.contender === "genflow");
  const detail = (key: string) => {
    const value = genflowRun?.details[key];
    return typeof value === "string" ? value : undefined;
  };
  const cases = buildCaseReports(options.cases, session.runs);
  const report: GenerateReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: describeMachine(),
    params: options.params,
    load: { start: loadStart, end: currentLoad() },
    fontSet: FONT_SET_ID,
    genflowRenderer: detail("renderer") ?? null,
    cases,
    scaling: buildScaling(options.cases, session.scaling),
    http,
    goals: buildGoals(cases, http),
    notes,
    failures,
  };

  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatConsole(report));
  if (options.json) for (const f of failures) progress(`FAILED: ${f}`);

  const full =
    !options.quick &&
    options.cases.length === CASE_IDS.length &&
    options.contenders.length === CONTENDER_IDS.length &&
    options.params.iterations === DEFAULTS.iterations &&
    options.params.warmup === DEFAULTS.warmup &&
    options.params.threads.join() === DEFAULTS.threads.join();
  if (!options.writeDoc) progress("docs/benchmarks.md not updated (--no-doc)");
  else if (!full)
    progress(
      "docs/benchmarks.md not updated (only a full run with the default render counts is recorded)",
    );
  else if (failures.length > 0) progress("docs/benchmarks.md not updated (the run had failures)");
  else {
    updateDoc(report);
    progress(`updated ${path.relative(process.cwd(), DOC_PATH)}`);
  }
  if (options.savePngDir) progress(`PNGs: ${options.savePngDir}`);

  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  progress(`bench:generate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
