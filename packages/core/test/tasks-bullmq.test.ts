import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { Queue } from "bullmq";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { DiskBlobStorage } from "../src/adapters/disk";
import { createRedisAdapters, type RedisAdapters } from "../src/adapters/redis";
import { DomainError } from "../src/errors";
import type { Logger } from "../src/ports";
import {
  cancelTask,
  createBullmqRunner,
  createTask,
  defineTaskKind,
  getTask,
  taskKinds,
  taskQueueName,
  taskQueuePrefix,
  type BullmqRunner,
  type BullmqRunnerOptions,
  type Task,
  type TasksConfig,
  type TasksDeps,
} from "../src/tasks";
import { deleteKeys } from "../src/testing";

/**
 * The BullMQ runner on a real Redis (and Postgres when DATABASE_URL is set, PGlite otherwise).
 * Every runner of this file shares one random key prefix; each test uses kinds of its own, so the
 * runners of one test never see another's jobs.
 */
const redisUrl = process.env.REDIS_URL;

const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Every handler run, in start order: which task, which attempt, on which runner. */
const runs: { taskId: string; userId: string; attempt: number; at: number; worker: string }[] = [];
const runsOf = (taskId: string) => runs.filter((r) => r.taskId === taskId);
const record = (task: Task, userId: string, attempt: number, worker: string) =>
  runs.push({ taskId: task.id, userId, attempt, at: Date.now(), worker });

/** Releasable gates, so a test decides when a handler may finish. */
const gates = new Map<string, () => void>();
const stopReasons = new Map<string, unknown>();

function waitForGate(taskId: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    gates.set(taskId, resolve);
    signal.addEventListener("abort", () => {
      stopReasons.set(taskId, signal.reason);
      reject(signal.reason as Error);
    });
  });
}

const base = {
  maxAttempts: 1,
  timeoutMs: 10_000,
  backoff: { baseMs: 10, maxMs: 100 },
};

const echo = defineTaskKind({
  ...base,
  name: "bq.echo",
  input: z.object({ value: z.string() }),
  concurrency: 2,
  async run({ task, userId, input, attempt }) {
    record(task, userId, attempt, task.workerId ?? "");
    await sleep(1);
    return { echo: input.value };
  },
});

const flaky = defineTaskKind({
  ...base,
  name: "bq.flaky",
  input: z.object({ failures: z.number().int() }),
  concurrency: 1,
  maxAttempts: 3,
  backoff: { baseMs: 400, maxMs: 2_000 },
  async run({ task, userId, input, attempt }) {
    record(task, userId, attempt, task.workerId ?? "");
    await sleep(1);
    if (attempt <= input.failures) throw new DomainError("UNAVAILABLE", "provider is down");
    return { attempt };
  },
});

const gated = (name: string, concurrency = 2) =>
  defineTaskKind({
    ...base,
    name,
    input: z.object({}),
    concurrency,
    maxAttempts: 2,
    async run({ task, userId, attempt, signal }) {
      record(task, userId, attempt, task.workerId ?? "");
      await waitForGate(task.id, signal);
      return { done: true };
    },
  });

const count = defineTaskKind({
  ...base,
  name: "bq.count",
  input: z.object({ n: z.number().int() }),
  concurrency: 4,
  async run({ task, userId, attempt }) {
    record(task, userId, attempt, task.workerId ?? "");
    await sleep(Math.floor(Math.random() * 4));
    return {};
  },
});

const fair = defineTaskKind({
  ...base,
  name: "bq.fair",
  input: z.object({}),
  concurrency: 1,
  async run({ task, userId, attempt }) {
    record(task, userId, attempt, task.workerId ?? "");
    await sleep(100);
    return {};
  },
});

const later = defineTaskKind({
  ...base,
  name: "bq.later",
  input: z.object({}),
  concurrency: 2,
  async run({ task, userId, attempt }) {
    record(task, userId, attempt, task.workerId ?? "");
    await sleep(1);
    return {};
  },
});

const kinds = taskKinds([
  echo,
  flaky,
  gated("bq.cancel"),
  gated("bq.shutdown", 1),
  count,
  fair,
  later,
]);

describe.skipIf(!redisUrl)("BullMQ runner (needs REDIS_URL)", () => {
  const url = redisUrl ?? "";
  const keyPrefix = `genflow-test-${randomUUID().slice(0, 8)}:`;
  let database: TestDatabase;
  let storageDir: string;
  let inspector: Redis;
  const opened: { runner: BullmqRunner; redis: RedisAdapters }[] = [];
  const inspectQueues = new Map<string, Queue>();

  beforeAll(async () => {
    database = await createTestDatabase(process.env.DATABASE_URL);
    storageDir = await mkdtemp(path.join(tmpdir(), "genflow-bullmq-"));
    inspector = new Redis(url, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    for (const release of gates.values()) release();
    for (const { runner, redis } of opened) {
      await runner.stop();
      await redis.close();
    }
    for (const queue of inspectQueues.values()) await queue.close();
    inspector?.disconnect();
    await deleteKeys(url, keyPrefix);
    await database?.destroy();
    await rm(storageDir, { recursive: true, force: true });
  });

  /** A runner as a separate process would have it: its own Redis links and pub/sub. */
  async function startRunner(
    name: string,
    options: Partial<BullmqRunnerOptions> = {},
    start = true,
  ): Promise<{ runner: BullmqRunner; deps: TasksDeps }> {
    const redis = await createRedisAdapters({ url, keyPrefix, policies: {}, log: quietLog });
    const config: TasksConfig = {
      kinds,
      storage: new DiskBlobStorage(storageDir),
      queue: { enqueue: () => Promise.resolve() },
    };
    const deps: TasksDeps = {
      db: database.db,
      pubsub: redis.pubsub,
      cache: redis.cache,
      rateLimiter: redis.rateLimiter,
      log: quietLog,
      clock: { now: () => new Date() },
      tasks: config,
    };
    const runner = createBullmqRunner(deps, {
      workerId: name,
      redisUrl: url,
      keyPrefix,
      heartbeatMs: 100,
      staleAfterMs: 5_000,
      ...options,
    });
    config.queue = runner.queue;
    opened.push({ runner, redis });
    if (start) await runner.start();
    return { runner, deps };
  }

  function inspect(kind: string): Queue {
    let queue = inspectQueues.get(kind);
    if (!queue) {
      queue = new Queue(taskQueueName(kind), {
        connection: inspector,
        prefix: taskQueuePrefix(keyPrefix),
      });
      inspectQueues.set(kind, queue);
    }
    return queue;
  }

  const jobCounts = (kind: string) =>
    inspect(kind).getJobCounts(
      "wait",
      "active",
      "delayed",
      "prioritized",
      "waiting-children",
      "completed",
      "failed",
    );

  async function newUser(): Promise<string> {
    const id = randomUUID();
    await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
    return id;
  }

  const finished = (deps: TasksDeps, userId: string, id: string, ms?: number) =>
    until(
      async () => {
        const task = await getTask(deps, { userId, input: { id } });
        return ["succeeded", "failed", "canceled", "interrupted"].includes(task.status) && task;
      },
      `task ${id} to finish`,
      ms,
    );

  async function eventsOf(taskId: string) {
    return database.db
      .select()
      .from(schema.taskEvents)
      .where(eq(schema.taskEvents.taskId, taskId))
      .orderBy(schema.taskEvents.seq);
  }

  it("runs a queued task to success through its job, and Redis keeps no finished job", async () => {
    const { deps } = await startRunner("solo", { kinds: ["bq.echo"] });
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "bq.echo", input: { value: "hi" } },
    });
    const done = await finished(deps, userId, task.id);
    expect(done).toMatchObject({
      status: "succeeded",
      output: { echo: "hi" },
      attempts: 1,
      workerId: "solo",
    });
    expect((await eventsOf(task.id)).map((e) => e.type)).toEqual([
      "created",
      "started",
      "succeeded",
    ]);
    await until(async () => {
      const counts = await jobCounts("bq.echo");
      return (counts.active ?? 0) + (counts.wait ?? 0) + (counts.delayed ?? 0) === 0;
    }, "the job to finish");
    expect(await jobCounts("bq.echo")).toMatchObject({
      wait: 0,
      delayed: 0,
      completed: 0,
      failed: 0,
    });
  });

  it("retries with backoff through a delayed job, then succeeds", async () => {
    const { deps } = await startRunner("retry", { kinds: ["bq.flaky"] });
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "bq.flaky", input: { failures: 2 } },
    });
    // After the first failure the task waits in Postgres (queued, run_after later) and its next
    // attempt waits in Redis as a delayed job.
    await until(async () => {
      const current = await getTask(deps, { userId, input: { id: task.id } });
      return current.status === "queued" && current.attempts === 1;
    }, "the first failure");
    expect((await jobCounts("bq.flaky")).delayed).toBe(1);

    const done = await finished(deps, userId, task.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 3, output: { attempt: 3 } });
    const attempts = runsOf(task.id);
    expect(attempts.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // Equal jitter: at least half of base·2^(n-1) between attempts (400 ms → ≥ 200 ms, then ≥ 400 ms).
    const [first, second, third] = attempts;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(195);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(395);
    const retrying = (await eventsOf(task.id)).filter((e) => e.type === "retrying");
    expect(retrying.map((e) => e.data["code"])).toEqual(["UNAVAILABLE", "UNAVAILABLE"]);
    await until(async () => {
      const counts = await jobCounts("bq.flaky");
      return (counts.active ?? 0) + (counts.wait ?? 0) + (counts.delayed ?? 0) === 0;
    }, "the last job to finish");
    expect(await jobCounts("bq.flaky")).toMatchObject({ wait: 0, delayed: 0, completed: 0 });
  });

  it("cancels a task running on runner B from runner A (which does not run the kind)", async () => {
    const a = await startRunner("cancel-a", { kinds: ["bq.echo"] });
    const b = await startRunner("cancel-b", { kinds: ["bq.cancel"] });
    const userId = await newUser();
    // Created through A: A only adds the job; B's worker takes it.
    const { task } = await createTask(a.deps, {
      userId,
      input: { kind: "bq.cancel", input: {} },
    });
    await until(() => gates.has(task.id), "the handler to start on B");
    expect(b.runner.running()).toBe(1);
    expect(a.runner.running()).toBe(0);
    const requested = await cancelTask(a.deps, { userId, input: { id: task.id } });
    expect(requested.cancelRequested).toBe(true);
    const done = await finished(a.deps, userId, task.id);
    expect(done).toMatchObject({ status: "canceled", canceledBy: userId, workerId: "cancel-b" });
    expect(stopReasons.get(task.id)).toMatchObject({ reason: { kind: "cancel", by: userId } });
    // Promptly, through the broadcast: well before a heartbeat could notice (it is 100 ms here,
    // so this mostly proves the runner ends the attempt, not which path told it).
    expect(runsOf(task.id)).toHaveLength(1);
  });

  it("runs each of 200 tasks exactly once on two competing runners", async () => {
    const one = await startRunner("race-1", { kinds: ["bq.count"] });
    const two = await startRunner("race-2", { kinds: ["bq.count"] });
    const users = await Promise.all([newUser(), newUser(), newUser(), newUser()]);
    const ids: { id: string; userId: string }[] = [];
    for (let n = 0; n < 200; n += 1) {
      const userId = users[n % users.length] ?? "";
      // Half through each runner's queue, as two servers would.
      const deps = n % 2 === 0 ? one.deps : two.deps;
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "bq.count", input: { n } },
      });
      ids.push({ id: task.id, userId });
    }
    await until(
      async () => {
        const rows = await database.db
          .select({ status: schema.tasks.status })
          .from(schema.tasks)
          .where(eq(schema.tasks.kind, "bq.count"));
        return rows.length === 200 && rows.every((r) => r.status === "succeeded");
      },
      "200 tasks to succeed",
      60_000,
    );
    const perTask = new Map<string, number>();
    for (const run of runs.filter((r) => ids.some((t) => t.id === r.taskId))) {
      perTask.set(run.taskId, (perTask.get(run.taskId) ?? 0) + 1);
    }
    expect(perTask.size).toBe(200);
    expect([...perTask.values()].every((n) => n === 1)).toBe(true);
    const rows = await database.db
      .select({ attempts: schema.tasks.attempts, workerId: schema.tasks.workerId })
      .from(schema.tasks)
      .where(eq(schema.tasks.kind, "bq.count"));
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    // Both runners took part.
    expect(new Set(rows.map((r) => r.workerId))).toEqual(new Set(["race-1", "race-2"]));
    await one.runner.idle();
    await two.runner.idle();
    // A slot that found nothing while others were claiming waits a moment before it ends.
    await until(async () => {
      const counts = await jobCounts("bq.count");
      return (counts.active ?? 0) + (counts.wait ?? 0) + (counts.delayed ?? 0) === 0;
    }, "the last jobs to finish");
    expect(await jobCounts("bq.count")).toEqual({
      wait: 0,
      active: 0,
      delayed: 0,
      prioritized: 0,
      "waiting-children": 0,
      completed: 0,
      failed: 0,
    });
  });

  it("lets another user's single task run before one user's long queue is drained, across workers", async () => {
    const one = await startRunner("fair-1", { kinds: ["bq.fair"] });
    await startRunner("fair-2", { kinds: ["bq.fair"] });
    const busy = await newUser();
    const other = await newUser();
    for (let n = 0; n < 12; n += 1) {
      await createTask(one.deps, { userId: busy, input: { kind: "bq.fair", input: {} } });
    }
    await until(() => runs.some((r) => r.userId === busy), "the long queue to start");
    const createdAt = Date.now();
    const { task } = await createTask(one.deps, {
      userId: other,
      input: { kind: "bq.fair", input: {} },
    });
    const otherRun = await until(async () => {
      await finished(one.deps, other, task.id);
      return runsOf(task.id)[0];
    }, "the other user's task to run");
    // Without fairness it would wait for the whole queue (ten more starts). With it, only the
    // workers that were already picking when it was created start one of the long queue first.
    const overtaking = runs.filter(
      (r) => r.userId === busy && r.at >= createdAt && r.at < otherRun.at,
    );
    expect(overtaking.length).toBeLessThanOrEqual(2);
    // The last of the long queue may be starting on either runner.
    await until(() => runs.filter((r) => r.userId === busy).length >= 12, "the long queue to run");
    await one.runner.idle();
    expect(runs.filter((r) => r.userId === busy)).toHaveLength(12);
  });

  it("puts a running task back on stop, without using an attempt, and another runner finishes it", async () => {
    const first = await startRunner("stop-1", { kinds: ["bq.shutdown"] });
    const userId = await newUser();
    const { task } = await createTask(first.deps, {
      userId,
      input: { kind: "bq.shutdown", input: {} },
    });
    await until(() => gates.has(task.id), "the handler to start");
    gates.delete(task.id);
    await first.runner.stop();
    const back = await getTask(first.deps, { userId, input: { id: task.id } });
    expect(back).toMatchObject({ status: "queued", attempts: 0, workerId: null });
    expect(stopReasons.get(task.id)).toMatchObject({ reason: { kind: "shutdown" } });
    // Its job is still in Redis, waiting for the next worker.
    const waiting = await jobCounts("bq.shutdown");
    expect((waiting.wait ?? 0) + (waiting.delayed ?? 0)).toBe(1);

    const second = await startRunner("stop-2", { kinds: ["bq.shutdown"] });
    await until(() => gates.has(task.id), "the handler to start again");
    gates.get(task.id)?.();
    const done = await finished(second.deps, userId, task.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 1, workerId: "stop-2" });
    expect(runsOf(task.id).map((r) => r.worker)).toEqual(["stop-1", "stop-2"]);
  });

  it("re-adds the jobs of queued tasks after Redis lost them, once however often it reconciles", async () => {
    // Only queues: nothing runs bq.later yet.
    const producer = await startRunner("producer", { runHandlers: false });
    const userId = await newUser();
    const created: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      const { task } = await createTask(producer.deps, {
        userId,
        input: { kind: "bq.later", input: {} },
      });
      created.push(task.id);
    }
    expect((await jobCounts("bq.later")).wait).toBe(5);
    // Adding a task again in the same queued spell adds no second job.
    const again = await getTask(producer.deps, { userId, input: { id: created[0] ?? "" } });
    await producer.runner.queue.enqueue(again);
    expect((await jobCounts("bq.later")).wait).toBe(5);

    // Redis forgets everything (a flush, a failover without persistence).
    await deleteKeys(url, `${taskQueuePrefix(keyPrefix)}:${taskQueueName("bq.later")}:`);
    expect((await jobCounts("bq.later")).wait).toBe(0);

    const worker = await startRunner("reconciler", { kinds: ["bq.later"] }, false);
    expect(await worker.runner.reconcile()).toBe(5);
    expect(await worker.runner.reconcile()).toBe(5);
    expect((await jobCounts("bq.later")).wait).toBe(5);
    await worker.runner.start();
    for (const id of created) {
      expect(await finished(worker.deps, userId, id)).toMatchObject({
        status: "succeeded",
        attempts: 1,
      });
    }
    expect(created.map((id) => runsOf(id).length)).toEqual([1, 1, 1, 1, 1]);
    await until(async () => (await jobCounts("bq.later")).active === 0, "the jobs to finish");
    expect(await jobCounts("bq.later")).toMatchObject({ wait: 0, completed: 0, failed: 0 });
  });
});
