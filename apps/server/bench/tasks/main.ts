// `pnpm bench:tasks`: enqueue → complete throughput and latency of a no-op task kind through
// GenFlow's task runners (BullMQ with 1 and 2 worker processes, and in-process), side by side with
// bare BullMQ (a queue and a worker with no GenFlow layer) and with the task record alone (the
// rows and events a task leaves in Postgres, with no runner) in the same run. Needs Postgres and
// Redis. See docs/benchmarks.md for the method.
//
//   --tasks <n>         measured tasks per contender (BENCH_TASKS, default 1000)
//   --warmup <n>        tasks drained and discarded before them (BENCH_TASKS_WARMUP, default 50)
//   --rounds <n>        measure everything n times, alternating the order; each contender's median
//                       round by tasks/s (BENCH_TASKS_ROUNDS, default 1)
//   --concurrency <n>   jobs run at once per worker process, bare and GenFlow (default 8)
//   --creators <n>      enqueue calls in flight at once in a producer: createTask (GenFlow) or
//                       Queue.add (bare BullMQ) (default 8)
//   --bare-bulk         bare BullMQ gets each batch in one addBulk call instead
//   --users <n>         throwaway users owning the GenFlow tasks, in turn (default 1)
//   --contenders <list> comma-separated subset of bare-1,genflow-1,bare-2,genflow-2,in-process,
//                       record
//   --quick             20 warm-up + 200 measured tasks, for a smoke run
//   --json              print the results as JSON on stdout (progress goes to stderr)
//   --no-doc            do not update docs/benchmarks.md
//   --cpu-prof [dir]    write a V8 CPU profile of every producer and worker process (their whole
//                       life, warm-up included) into dir (default: a fresh temporary folder)
//
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test, used only when it answers) names
// the Postgres server: the run creates a throwaway database there and drops it afterwards.
// REDIS_URL (default redis://127.0.0.1:6379, likewise) names the Redis; every key of the run is
// under a random prefix and deleted afterwards. docs/benchmarks.md is only rewritten after a run
// of every contender with the default counts and no failures. Exits 1 when a service is missing,
// a process fails, or any task is lost, run twice or not succeeded.
import path from "node:path";
import { parseArgs } from "node:util";

import { Redis } from "ioredis";

import { takeFolderFlag } from "../cli";
import { currentLoad, describeMachine, DOC_PATH } from "../report";
import { formatConsole, updateDoc } from "./format";
import { CONTENDER_IDS, CONTENDERS, isContenderId, type ContenderId } from "./protocol";
import { buildReport, type ServicesInfo, type TasksReport } from "./report";
import { progress, type RunParams, type RunServices } from "./run-contender";
import {
  createBenchDatabase,
  deleteRedisKeys,
  randomKeyPrefix,
  redact,
  resolveDatabaseUrl,
  resolveRedisUrl,
  type BenchDatabase,
} from "./services";
import { runSession } from "./session";

const DEFAULTS: RunParams = {
  tasks: 1_000,
  warmup: 50,
  concurrency: 8,
  creators: 8,
  bareBulk: false,
  users: 1,
};
const QUICK: Pick<RunParams, "tasks" | "warmup"> = { tasks: 200, warmup: 20 };

interface Options {
  params: RunParams;
  rounds: number;
  contenders: ContenderId[];
  json: boolean;
  writeDoc: boolean;
  quick: boolean;
  cpuProfileDir: string | undefined;
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function readOptions(argv: string[]): Options {
  // `pnpm bench:tasks -- --json` passes the separator through.
  const args = argv.filter((arg) => arg !== "--");
  const cpuProfileDir = takeFolderFlag(args, "--cpu-prof", "genflow-bench-tasks-prof-");
  const { values } = parseArgs({
    args,
    options: {
      tasks: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      concurrency: { type: "string" },
      creators: { type: "string" },
      users: { type: "string" },
      "bare-bulk": { type: "boolean", default: false },
      contenders: { type: "string" },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "no-doc": { type: "boolean", default: false },
    },
  });
  const env = process.env;
  const base = values.quick ? { ...DEFAULTS, ...QUICK } : DEFAULTS;
  const list = values.contenders
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list && (list.length === 0 || list.some((id) => !isContenderId(id))))
    throw new Error(`--contenders: use some of ${CONTENDER_IDS.join(", ")}`);
  return {
    params: {
      tasks: integer("--tasks", values.tasks ?? env.BENCH_TASKS, base.tasks, 1),
      warmup: integer("--warmup", values.warmup ?? env.BENCH_TASKS_WARMUP, base.warmup, 0),
      concurrency: integer("--concurrency", values.concurrency, base.concurrency, 1),
      creators: integer("--creators", values.creators, base.creators, 1),
      bareBulk: values["bare-bulk"],
      users: integer("--users", values.users, base.users, 1),
    },
    rounds: integer("--rounds", values.rounds ?? env.BENCH_TASKS_ROUNDS, 1, 1),
    contenders: list ? CONTENDER_IDS.filter((id) => list.includes(id)) : [...CONTENDER_IDS],
    json: values.json,
    writeDoc: !values["no-doc"],
    quick: values.quick,
    cpuProfileDir,
  };
}

async function redisVersion(url: string): Promise<string> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await client.info("server");
    return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  } finally {
    client.disconnect();
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const modes = new Set(options.contenders.map((id) => CONTENDERS[id].mode));
  const needsRedis = modes.has("bare") || modes.has("genflow");
  const needsPostgres = modes.has("genflow") || modes.has("in-process") || modes.has("record");

  let databaseUrl: string | undefined;
  let redisUrl: string | undefined;
  try {
    if (needsPostgres) {
      const resolved = await resolveDatabaseUrl(process.env.DATABASE_URL);
      databaseUrl = resolved.url;
      if (resolved.note) progress(`note: ${resolved.note}`);
    }
    if (needsRedis) {
      const resolved = await resolveRedisUrl(process.env.REDIS_URL);
      redisUrl = resolved.url;
      if (resolved.note) progress(`note: ${resolved.note}`);
    }
  } catch (error) {
    progress(`bench:tasks cannot run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }

  const loadStart = currentLoad();
  if (loadStart > 1)
    progress(
      `note: 1-minute load average is ${loadStart.toFixed(2)}; other work will skew the numbers`,
    );

  const keyPrefix = randomKeyPrefix();
  let database: BenchDatabase | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      const done: string[] = [];
      if (database) {
        await database.drop().then(
          () => done.push("throwaway database dropped"),
          (error: unknown) => progress(`could not drop the throwaway database: ${String(error)}`),
        );
      }
      if (redisUrl) {
        await deleteRedisKeys(redisUrl, keyPrefix).then(
          (deleted) => done.push(`${deleted} Redis keys under ${keyPrefix} deleted`),
          (error: unknown) =>
            progress(`could not delete the Redis keys under ${keyPrefix}: ${String(error)}`),
        );
      }
      if (done.length > 0) progress(`cleaned up: ${done.join(", ")}`);
    })());
  // Ctrl-C reaches the child processes too (they die at once) and, through pnpm and tsx, may
  // reach this process more than once: clean up on the first, exit when done.
  const interrupted = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted.signal.aborted) return;
    interrupted.abort();
    progress(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const services: ServicesInfo = { postgres: null, redis: null };
    if (databaseUrl) {
      database = await createBenchDatabase(databaseUrl);
      const { version, synchronousCommit, fsync } = database.settings;
      services.postgres = `PostgreSQL ${version} (synchronous_commit=${synchronousCommit}, fsync=${fsync})`;
      progress(`throwaway database on ${redact(databaseUrl)}, migrated`);
    }
    if (redisUrl) services.redis = `Redis ${await redisVersion(redisUrl)}`;

    const runServices: RunServices = {
      database,
      redisUrl,
      keyPrefix,
      cpuProfileDir: options.cpuProfileDir,
    };
    const session = await runSession(
      options.contenders,
      options.params,
      options.rounds,
      runServices,
      interrupted.signal,
    );
    if (interrupted.signal.aborted) return;

    const report: TasksReport = buildReport(
      {
        date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        machine: describeMachine(),
        params: { ...options.params, rounds: options.rounds },
        services,
        load: { start: loadStart, end: currentLoad() },
        failures: session.failures,
      },
      session.runs,
    );

    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(formatConsole(report));
    if (options.json) for (const f of report.failures) progress(`FAILED: ${f}`);

    const full =
      !options.quick &&
      !options.cpuProfileDir &&
      options.contenders.length === CONTENDER_IDS.length &&
      options.params.tasks === DEFAULTS.tasks &&
      options.params.warmup === DEFAULTS.warmup &&
      options.params.concurrency === DEFAULTS.concurrency &&
      options.params.creators === DEFAULTS.creators &&
      options.params.bareBulk === DEFAULTS.bareBulk &&
      options.params.users === DEFAULTS.users;
    if (!options.writeDoc) progress("docs/benchmarks.md not updated (--no-doc)");
    else if (!full)
      progress(
        "docs/benchmarks.md not updated (only a full run with the default counts and no profiling is recorded)",
      );
    else if (report.failures.length > 0)
      progress("docs/benchmarks.md not updated (the run had failures)");
    else {
      updateDoc(report);
      progress(`updated ${path.relative(process.cwd(), DOC_PATH)}`);
    }
    if (options.cpuProfileDir)
      progress(
        `CPU profiles: ${options.cpuProfileDir} (summarise one with bench/profile-summary.ts)`,
      );
    process.exitCode = report.failures.length > 0 ? 1 : 0;
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  progress(`bench:tasks failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
