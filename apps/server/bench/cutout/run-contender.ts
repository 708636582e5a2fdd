// One contender in a process of its own (started by bench.ts), so that its memory and event loop
// are its own:
//   node --import tsx bench/cutout/run-contender.ts <genflow|imgly|floor> --photos <photos.json>
//     [--warmup <n>] [--total <n>] [--threads <n>] [--session-options <json>]
//   node --import tsx bench/cutout/run-contender.ts floor-search --photos <photos.json> [--runs <n>]
// Prepares the contender, runs the warm-up images (discarded), then every photo of the set once,
// one after another, timing each; then, when --total is larger, keeps cycling through the set up
// to --total images with only the resident set recorded after each. The event-loop monitor runs
// from the first measured image to the last image. Prints one JSON line (ContenderRun, or
// FloorSearch for floor-search) on stdout; progress goes to stderr.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

import type { PreparedContender } from "./contender";
import { prepareFloor, searchSessionOptions } from "./floor";
import { prepareGenflow } from "./genflow-contender";
import { prepareImgly } from "./imgly-contender";
import { lagMonitor, message, peakRssBytes } from "./measure";
import type { ContenderRun, FloorSessionOptions, PhotoSet } from "./protocol";

const MAX_ERROR_MESSAGES = 3;
const IN_PROCESS = ["genflow", "imgly", "floor"] as const;
type InProcess = (typeof IN_PROCESS)[number];

function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return n;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function prepare(
  contender: InProcess,
  threads: number,
  sessionOptions: string | undefined,
): Promise<PreparedContender> {
  switch (contender) {
    case "genflow":
      return prepareGenflow(threads);
    case "imgly":
      return prepareImgly();
    case "floor":
      if (!sessionOptions) throw new Error("floor needs --session-options");
      return prepareFloor(JSON.parse(sessionOptions) as FloorSessionOptions);
  }
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      photos: { type: "string" },
      warmup: { type: "string" },
      total: { type: "string" },
      threads: { type: "string" },
      runs: { type: "string" },
      "session-options": { type: "string" },
      // Run each measured image when a line arrives on stdin, and answer it (see runPaired).
      paced: { type: "boolean", default: false },
    },
  });
  const [contender = ""] = positionals;
  if (!values.photos) throw new Error("--photos <photos.json> is required");
  const set = JSON.parse(await readFile(values.photos, "utf8")) as PhotoSet;
  const photos = await Promise.all(
    set.photos.map(async (photo) => ({
      photo,
      bytes: await readFile(path.join(set.dir, photo.file)),
    })),
  );
  const first = photos[0];
  if (!first) throw new Error("the photo set is empty");

  if (contender === "floor-search") {
    const runs = count("--runs", values.runs, 3, 1);
    const search = await searchSessionOptions(first.bytes, runs, undefined, progress);
    process.stdout.write(`${JSON.stringify(search)}\n`);
    return;
  }
  if (!(IN_PROCESS as readonly string[]).includes(contender))
    throw new Error(
      `usage: run-contender.ts <${IN_PROCESS.join("|")}|floor-search> --photos <file>`,
    );
  const id = contender as InProcess;
  const warmup = count("--warmup", values.warmup, 2, 0);
  const total = Math.max(photos.length, count("--total", values.total, photos.length, 1));
  const threads = count("--threads", values.threads, 2, 1);

  const prepareStart = performance.now();
  const prepared = await prepare(id, threads, values["session-options"]);
  const prepareMs = performance.now() - prepareStart;

  const warmupMs: number[] = [];
  for (let i = 0; i < warmup; i++) {
    const { photo, bytes } = photos[i % photos.length] ?? first;
    const step = await prepared.load(bytes, photo);
    const started = performance.now();
    await step();
    warmupMs.push(performance.now() - started);
  }
  progress(
    `ready (prepare ${prepareMs.toFixed(0)} ms, warm-up ${warmupMs.map((ms) => ms.toFixed(0)).join(", ")} ms)`,
  );
  const commands = values.paced
    ? createInterface({ input: process.stdin })[Symbol.asyncIterator]()
    : undefined;
  if (commands) process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

  const samplesMs: number[] = [];
  const outputBytes: number[] = [];
  const stageSums: Record<string, number> = {};
  const errorMessages: string[] = [];
  const rssAfterBytes: number[] = [];
  let errors = 0;
  const lag = lagMonitor();
  lag.start();
  const cpuBefore = process.cpuUsage();
  let cpuMs = 0;
  for (let n = 0; n < total; n++) {
    const measured = n < photos.length;
    const { photo, bytes } = photos[n % photos.length] ?? first;
    // Paced: each measured image when asked; the rest once told to go on (every turn is over).
    if (commands && (measured || n === photos.length) && (await commands.next()).done) {
      throw new Error("stdin closed before every image was asked for");
    }
    let ms = Number.NaN;
    try {
      const step = await prepared.load(bytes, photo);
      const started = performance.now();
      const outcome = await step();
      ms = performance.now() - started;
      if (measured) {
        samplesMs.push(ms);
        outputBytes.push(outcome.outputBytes);
        for (const [stage, value] of Object.entries(outcome.stages ?? {}))
          stageSums[stage] = (stageSums[stage] ?? 0) + value;
      }
      if (measured || (n + 1) % 20 === 0)
        progress(`${n + 1}/${total} ${photo.file} ${ms.toFixed(0)} ms`);
    } catch (error) {
      errors += 1;
      if (errorMessages.length < MAX_ERROR_MESSAGES) errorMessages.push(message(error));
      progress(`${n + 1}/${total} ${photo.file} failed: ${message(error)}`);
    }
    if (commands && measured) process.stdout.write(`${JSON.stringify({ image: n, ms })}\n`);
    rssAfterBytes.push(process.memoryUsage.rss());
    if (n + 1 === photos.length) {
      const cpu = process.cpuUsage(cpuBefore);
      cpuMs = (cpu.user + cpu.system) / 1000;
    }
  }
  const lagSummary = lag.stop();
  await prepared.close();

  const stages: Record<string, number> = {};
  for (const [stage, sum] of Object.entries(stageSums))
    stages[stage] = samplesMs.length > 0 ? sum / samplesMs.length : Number.NaN;
  const run: ContenderRun = {
    contender: id,
    samplesMs,
    cpuMs,
    outputBytes,
    errors,
    errorMessages,
    prepareMs,
    warmupMs,
    memory: { peakRssBytes: peakRssBytes(), rssAfterBytes },
    lag: lagSummary,
    stages,
    details: prepared.details,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${message(error)}\n`);
    process.exit(1);
  },
);
