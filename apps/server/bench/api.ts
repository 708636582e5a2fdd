// `pnpm bench:api`: bare Express, bare tRPC and GenFlow's full stack under the same load, one
// after another, each in its own process. See docs/benchmarks.md for the method.
//
//   --duration <s>      measured window per target (BENCH_DURATION, default 10)
//   --warmup <s>        discarded warm-up per target (BENCH_WARMUP, default 3)
//   --connections <n>   concurrent connections (BENCH_CONNECTIONS, default 50)
//   --targets <list>    comma-separated subset of express,trpc,genflow (BENCH_TARGETS)
//   --rounds <n>        measure every target n times, alternating the order, and report each
//                       target's median round (BENCH_ROUNDS, default 1); steadier on a busy machine
//   --quick             1 s warm-up + 3 s measured, for a smoke run
//   --json              print the results as JSON on stdout (progress goes to stderr)
//   --cpu-prof [dir]    profile each target's measured window (V8 .cpuprofile, default: a fresh
//                       temp folder) and print where its CPU time went, by layer
//   --no-doc            do not update docs/benchmarks.md
//   --layers            instead: what each layer of GenFlow costs, by measuring it with single
//                       host layers left out and without authentication (never updates the doc)
//
// docs/benchmarks.md is only rewritten after a run of all three targets with the default load
// and no failures. Exits 1 when a target fails to start, fails verification or sees errors.
import path from "node:path";
import { parseArgs } from "node:util";

import { takeFolderFlag } from "./cli";
import { formatLayers, layerSpecs } from "./layers";
import type { LoadParams } from "./measure";
import { isTargetKind, TARGET_KINDS, TARGET_LABELS, type TargetKind } from "./protocol";
import {
  buildReport,
  currentLoad,
  describeMachine,
  DOC_PATH,
  formatConsole,
  updateDoc,
} from "./report";
import { progress, runSession } from "./session";

const DEFAULTS: LoadParams = { connections: 50, warmupSec: 3, durationSec: 10 };
const QUICK: LoadParams = { connections: 50, warmupSec: 1, durationSec: 3 };

interface Options {
  params: LoadParams;
  rounds: number;
  layers: boolean;
  targets: TargetKind[];
  json: boolean;
  cpuProfDir: string | undefined;
  writeDoc: boolean;
}

function positiveNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

function readOptions(argv: string[]): Options {
  // `pnpm bench:api -- --json` passes the separator through.
  const args = argv.filter((arg) => arg !== "--");
  const cpuProfDir = takeFolderFlag(args, "--cpu-prof", "genflow-bench-prof-");
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      targets: { type: "string" },
      rounds: { type: "string" },
      quick: { type: "boolean", default: false },
      layers: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "no-doc": { type: "boolean", default: false },
    },
  });
  const base = values.quick ? QUICK : DEFAULTS;
  const env = process.env;
  const params: LoadParams = {
    durationSec: positiveNumber(
      "--duration",
      values.duration ?? env.BENCH_DURATION,
      base.durationSec,
      1,
    ),
    warmupSec: positiveNumber("--warmup", values.warmup ?? env.BENCH_WARMUP, base.warmupSec),
    connections: positiveNumber(
      "--connections",
      values.connections ?? env.BENCH_CONNECTIONS,
      base.connections,
      1,
    ),
  };
  const list = (values.targets ?? env.BENCH_TARGETS ?? TARGET_KINDS.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((kind) => !isTargetKind(kind));
  if (unknown.length > 0)
    throw new Error(`unknown target(s): ${unknown.join(", ")}; use ${TARGET_KINDS.join(", ")}`);
  // Always in the canonical order, so ratios compare like with like.
  const targets = TARGET_KINDS.filter((kind) => list.includes(kind));
  const rounds = Math.floor(positiveNumber("--rounds", values.rounds ?? env.BENCH_ROUNDS, 1, 1));
  return {
    params,
    rounds,
    layers: values.layers,
    targets,
    json: values.json,
    cpuProfDir,
    writeDoc: !values["no-doc"],
  };
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const loadStart = currentLoad();
  if (loadStart > 1)
    progress(
      `note: 1-minute load average is ${loadStart.toFixed(2)}; other work will skew the numbers`,
    );

  if (options.layers) {
    const { results, failures } = await runSession(layerSpecs(), options);
    if (options.json)
      process.stdout.write(`${JSON.stringify({ params: options.params, results }, null, 2)}\n`);
    else process.stdout.write(formatLayers(results, options.params));
    for (const f of failures) progress(`FAILED: ${f}`);
    process.exitCode = failures.length > 0 ? 1 : 0;
    return;
  }

  const specs = options.targets.map((kind) => ({ id: kind, kind, label: TARGET_LABELS[kind] }));
  const { results, failures } = await runSession(specs, options);

  const report = buildReport({
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: describeMachine(),
    params: { ...options.params, rounds: options.rounds },
    load: { start: loadStart, end: currentLoad() },
    results,
    failures,
  });

  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatConsole(report));
  if (options.json && failures.length > 0) for (const f of failures) progress(`FAILED: ${f}`);

  const full =
    options.targets.length === TARGET_KINDS.length &&
    options.params.durationSec === DEFAULTS.durationSec &&
    options.params.warmupSec === DEFAULTS.warmupSec &&
    options.params.connections === DEFAULTS.connections;
  if (!options.writeDoc) progress("docs/benchmarks.md not updated (--no-doc)");
  else if (!full)
    progress("docs/benchmarks.md not updated (only a full run with the default load is recorded)");
  else if (failures.length > 0) progress("docs/benchmarks.md not updated (the run had failures)");
  else {
    updateDoc(report);
    progress(`updated ${path.relative(process.cwd(), DOC_PATH)}`);
  }
  if (options.cpuProfDir) progress(`CPU profiles: ${options.cpuProfDir}`);

  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  progress(`bench:api failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
