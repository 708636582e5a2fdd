// The process that enqueues a contender's tasks (started by run-contender.ts):
//   node --import tsx bench/tasks/producer.ts --mode bare --redis-url <url> --prefix <p>
//     --queue <q> (--creators <n> | --bulk)
//   node --import tsx bench/tasks/producer.ts --mode genflow|in-process --database-url <url>
//     --users <id,…> --creators <n> --concurrency <n> [--redis-url <url> --key-prefix <prefix>]
// bare: plain BullMQ jobs, one `Queue.add` each with --creators calls in flight (like concurrent
// API requests, as GenFlow's tasks are created), or one `addBulk` per batch with --bulk. genflow: `createTask` once per task, as the
// API does, with GenFlow's BullMQ runner as the queue (adding jobs only; workers run them).
// in-process: `createTask` the same way, with the in-process runner running the handlers here.
//   node --import tsx bench/tasks/producer.ts --mode record --database-url <url> --users <id,…>
//     --creators <n> --concurrency <n>
// record: only the task's rows and events in Postgres, written and run here (record.ts).
import { parseArgs } from "node:util";

import {
  createBullmqRunner,
  createInProcessRunner,
  createTask,
  type TasksDeps,
} from "@genflow/core/tasks";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

import { serveChild, type ChildHandlers } from "./child-ipc";
import { buildGenflowHost } from "./genflow-host";
import { NOOP_KIND } from "./protocol";
import { recordProducer } from "./record";

/** The job options of GenFlow's task queues: one attempt, removed the moment it finishes. */
const BARE_JOB_OPTIONS = { attempts: 1, removeOnComplete: true, removeOnFail: true } as const;

type Batch = { ids: string[]; startedAt: number; endedAt: number };

function required(values: Record<string, string | undefined>, names: string[]): string[] {
  const missing = names.filter((name) => !values[name]);
  if (missing.length > 0) throw new Error(`missing ${missing.map((n) => `--${n}`).join(", ")}`);
  return names.map((name) => values[name] ?? "");
}

async function bareProducer(values: Record<string, string | undefined>) {
  const [redisUrl, prefix, queueName] = required(values, ["redis-url", "prefix", "queue"]);
  const connection = new Redis(redisUrl ?? "");
  const queue = new Queue(queueName ?? "", { connection, prefix });
  await queue.waitUntilReady();
  const bulk = values.bulk === "true";
  const creators = Number(values.creators ?? "1");
  const addEach = async (count: number) => {
    const ids: string[] = [];
    let started = 0;
    const lane = async () => {
      while (started < count) {
        const n = started;
        started += 1;
        const job = await queue.add("noop", { n }, BARE_JOB_OPTIONS);
        ids.push(job.id ?? "");
      }
    };
    await Promise.all(Array.from({ length: Math.min(creators, count) }, lane));
    return ids;
  };
  return {
    async produce(count: number): Promise<Batch> {
      const startedAt = Date.now();
      const ids = bulk
        ? (
            await queue.addBulk(
              Array.from({ length: count }, (_, n) => ({
                name: "noop",
                data: { n },
                opts: BARE_JOB_OPTIONS,
              })),
            )
          ).map((job) => job.id ?? "")
        : await addEach(count);
      return { ids, startedAt, endedAt: Date.now() };
    },
    invocations: () => [],
    async close() {
      await queue.close();
      await connection.quit().catch(() => undefined);
    },
  };
}

/**
 * `count` tasks through `createTask`, `creators` at a time (like that many concurrent requests),
 * owned by `userIds` in turn.
 */
async function createTasks(deps: TasksDeps, userIds: string[], count: number, creators: number) {
  const ids: string[] = [];
  let started = 0;
  const lane = async () => {
    while (started < count) {
      const userId = userIds[started % userIds.length] ?? "";
      started += 1;
      const { task } = await createTask(deps, {
        userId,
        input: { kind: NOOP_KIND, input: {} },
      });
      ids.push(task.id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(creators, count) }, lane));
  return ids;
}

async function genflowProducer(
  mode: "genflow" | "in-process",
  values: Record<string, string | undefined>,
) {
  const [databaseUrl, users] = required(values, ["database-url", "users"]);
  const userIds = (users ?? "").split(",");
  const creators = Number(values.creators ?? "1");
  const concurrency = Number(values.concurrency ?? "8");
  const workerId = `bench-producer-${process.pid}`;
  const [redisUrl, keyPrefix] =
    mode === "genflow" ? required(values, ["redis-url", "key-prefix"]) : [undefined, undefined];
  const redis = redisUrl && keyPrefix ? { url: redisUrl, keyPrefix } : undefined;
  const host = await buildGenflowHost({
    databaseUrl: databaseUrl ?? "",
    redis,
    concurrency,
    workerId,
  });
  const runner = redis
    ? createBullmqRunner(host.deps, {
        workerId,
        redisUrl: redis.url,
        keyPrefix: redis.keyPrefix,
        runHandlers: false,
      })
    : createInProcessRunner(host.deps, { workerId });
  host.deps.tasks.queue = runner.queue;
  await runner.start();
  return {
    async produce(count: number): Promise<Batch> {
      const startedAt = Date.now();
      const ids = await createTasks(host.deps, userIds, count, creators);
      return { ids, startedAt, endedAt: Date.now() };
    },
    invocations: () => [...host.invocations],
    async close() {
      await runner.stop();
      await host.close();
    },
  };
}

function recordOptions(values: Record<string, string | undefined>) {
  const [databaseUrl, users] = required(values, ["database-url", "users"]);
  return {
    databaseUrl: databaseUrl ?? "",
    userIds: (users ?? "").split(","),
    creators: Number(values.creators ?? "1"),
    concurrency: Number(values.concurrency ?? "8"),
  };
}

serveChild(async (): Promise<ChildHandlers> => {
  const { values } = parseArgs({
    options: {
      mode: { type: "string" },
      "redis-url": { type: "string" },
      prefix: { type: "string" },
      "key-prefix": { type: "string" },
      queue: { type: "string" },
      "database-url": { type: "string" },
      users: { type: "string" },
      creators: { type: "string" },
      concurrency: { type: "string" },
      bulk: { type: "boolean", default: false },
    },
  });
  const { mode } = values;
  if (mode !== "bare" && mode !== "genflow" && mode !== "in-process" && mode !== "record") {
    throw new Error("--mode must be bare, genflow, in-process or record");
  }
  const producer =
    mode === "bare"
      ? await bareProducer({ ...values, bulk: String(values.bulk) })
      : mode === "record"
        ? recordProducer(recordOptions({ ...values, bulk: undefined }))
        : await genflowProducer(mode, { ...values, bulk: undefined });
  return {
    async handle(command) {
      if (command.type === "report") {
        return { type: "report", invocations: producer.invocations(), completions: [] };
      }
      const batch = await producer.produce(command.count);
      return { type: "produced", phase: command.phase, ...batch };
    },
    close: () => producer.close(),
  };
});
