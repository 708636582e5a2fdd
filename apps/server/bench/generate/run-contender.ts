// One contender on one card, in a process of its own (started by session.ts):
//   node --import tsx bench/generate/run-contender.ts <genflow|satori|resvg> <case>
//     --iterations <n> --warmup <n> [--threads <n>] [--save <file.png>]
// Prepares the contender, checks its first PNG, renders the warm-up (discarded) and then the
// measured renders, and prints one JSON line (ContenderRun) on stdout; nothing else goes there.
// Without --threads, renders run one after another: each sample is one cold render's latency
// (GenFlow's in its pool of one worker thread, the others on the main thread). With --threads
// (GenFlow only), a pool of that many threads is kept busy with twice as many renders in flight
// as it has threads, and the result is its throughput.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { CASES, CARD_SIZE, isCaseId } from "./cases";
import { prepare } from "./contenders";
import { isContenderId, type ContenderRun } from "./protocol";
import { pngSize } from "./stats";

const MAX_ERROR_MESSAGES = 3;

function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return n;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      iterations: { type: "string" },
      warmup: { type: "string" },
      threads: { type: "string" },
      save: { type: "string" },
    },
  });
  const [contender = "", caseId = ""] = positionals;
  if (!isContenderId(contender) || !isCaseId(caseId)) {
    throw new Error("usage: run-contender.ts <genflow|satori|resvg> <case> --iterations <n>");
  }
  const iterations = count("--iterations", values.iterations, 100, 1);
  const warmup = count("--warmup", values.warmup, 10, 0);
  const threads =
    values.threads === undefined ? undefined : count("--threads", values.threads, 1, 1);
  if (threads !== undefined && contender !== "genflow")
    throw new Error("--threads applies to GenFlow's worker pool only");
  const concurrency = threads === undefined ? 1 : threads * 2;

  const started = performance.now();
  const prepared = await prepare(contender, CASES[caseId], threads);
  const prepareMs = performance.now() - started;

  const firstStart = performance.now();
  const first = await prepared.render();
  const firstRenderMs = performance.now() - firstStart;
  const size = pngSize(first);
  if (!size || size.width !== CARD_SIZE.width || size.height !== CARD_SIZE.height) {
    throw new Error(
      `the first render is not a ${CARD_SIZE.width}×${CARD_SIZE.height} PNG (${size ? `${size.width}×${size.height}` : "not a PNG"})`,
    );
  }
  if (values.save) writeFileSync(values.save, first);

  const samplesMs: number[] = [];
  const errorMessages: string[] = [];
  let errors = 0;
  let attempts = 0;
  /** Renders until `total` have been started, `concurrency` at a time. */
  const drive = async (total: number, record: boolean) => {
    let launched = 0;
    const lane = async () => {
      while (launched < total) {
        launched += 1;
        const t0 = performance.now();
        try {
          const png = await prepared.render();
          const t1 = performance.now();
          const ok = pngSize(png);
          if (!ok || ok.width !== size.width || ok.height !== size.height)
            throw new Error("the render is not a PNG of the card's size");
          if (record) samplesMs.push(t1 - t0);
        } catch (error) {
          if (!record) throw error;
          errors += 1;
          if (errorMessages.length < MAX_ERROR_MESSAGES) errorMessages.push(message(error));
        }
        if (record) attempts += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  };

  await drive(warmup, false);
  const cpuBefore = process.cpuUsage();
  const measuredStart = performance.now();
  await drive(iterations, true);
  const elapsedMs = performance.now() - measuredStart;
  const cpu = process.cpuUsage(cpuBefore);
  await prepared.close();

  const run: ContenderRun = {
    contender,
    caseId,
    ...(threads === undefined ? {} : { threads }),
    concurrency,
    samplesMs,
    attempts,
    errors,
    errorMessages,
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    pngBytes: first.length,
    prepareMs,
    firstRenderMs,
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
