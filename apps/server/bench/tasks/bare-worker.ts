// A bare BullMQ worker: a `Worker` with a no-op processor and nothing of GenFlow (started by
// run-contender.ts):
//   node --import tsx bench/tasks/bare-worker.ts --redis-url <url> --prefix <bullmq prefix>
//     --queue <name> --concurrency <n>
// Records every invocation and every completion (with BullMQ's own `timestamp` and `finishedOn`),
// tells the runner how many jobs it has completed every few milliseconds, and reports the records
// when asked.
import { parseArgs } from "node:util";

import { Worker } from "bullmq";
import { Redis } from "ioredis";

import { send, serveChild } from "./child-ipc";
import type { BareCompletion } from "./protocol";

/** How often the count of completed jobs goes to the runner (when it changed). */
const PROGRESS_MS = 10;

serveChild(async () => {
  const { values } = parseArgs({
    options: {
      "redis-url": { type: "string" },
      prefix: { type: "string" },
      queue: { type: "string" },
      concurrency: { type: "string" },
    },
  });
  const redisUrl = values["redis-url"];
  const { prefix, queue } = values;
  const concurrency = Number(values.concurrency ?? "8");
  if (!redisUrl || !prefix || !queue) {
    throw new Error("--redis-url, --prefix and --queue are required");
  }

  const invocations: string[] = [];
  const completions: BareCompletion[] = [];
  // What BullMQ's documentation asks of a worker's connection: retry forever.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queue,
    (job) => {
      invocations.push(job.id ?? "");
      return Promise.resolve({});
    },
    {
      connection,
      prefix,
      concurrency,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    },
  );
  worker.on("completed", (job) => {
    completions.push({
      id: job.id ?? "",
      timestamp: job.timestamp,
      finishedOn: job.finishedOn ?? Number.NaN,
    });
  });
  worker.on("error", (error) => process.stderr.write(`worker error: ${error.message}\n`));
  await worker.waitUntilReady();

  let sent = 0;
  const timer = setInterval(() => {
    if (completions.length === sent) return;
    sent = completions.length;
    void send({ type: "progress", completed: sent }).catch(() => undefined);
  }, PROGRESS_MS);

  return {
    handle: (command) => {
      if (command.type !== "report") throw new Error(`a worker cannot ${command.type}`);
      return Promise.resolve({
        type: "report",
        invocations: [...invocations],
        completions: [...completions],
      });
    },
    async close() {
      clearInterval(timer);
      await worker.close();
      await connection.quit().catch(() => undefined);
    },
  };
});
