import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

import { createRedisAdapters, type RedisAdapters } from "@genflow/core/adapters/redis";
import type { Logger } from "@genflow/core/ports";
import {
  createBullmqRunner,
  createTask,
  getTask,
  taskKinds,
  taskQueueName,
  taskQueuePrefix,
  type BullmqRunner,
  type Task,
  type TasksConfig,
  type TasksDeps,
} from "@genflow/core/tasks";
import { deleteKeys } from "@genflow/core/testing";
import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { Queue } from "bullmq";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { sleepKind, type Execution } from "./fixtures/sleep-kind";

/**
 * Crash safety with real processes: hosts running a test kind (its handler sleeps and records each
 * start and end in a file) are killed mid-task, and the task must still finish, exactly once.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

const hostScript = fileURLToPath(new URL("./fixtures/task-host.ts", import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface Host {
  child: ChildProcess;
  pid: number;
  workerId: string;
  output: string[];
}

/** Timings small enough for a test: a lost worker is noticed within about a second. */
const FAST = {
  TASK_HEARTBEAT_MS: "100",
  TASK_STALE_AFTER_MS: "1000",
  TASK_LOCK_DURATION_MS: "1000",
  TASK_STALLED_INTERVAL_MS: "500",
  TASK_RECONCILE_MS: "60000",
};

let database: TestDatabase;
let workDir: string;
let recordFile: string;
const hosts: Host[] = [];

async function startHost(mode: "bullmq" | "in-process", env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", tsx, hostScript, mode], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATA_DIR: workDir,
      RENDER_THREADS: "1",
      DATABASE_URL: database.url,
      RECORD_FILE: recordFile,
      ...FAST,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => output.push(line));
  const ready = new Promise<{ workerId: string }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      output.push(line);
      if (line.includes('"host ready"')) resolve(JSON.parse(line) as { workerId: string });
    });
    child.once("exit", (code) =>
      reject(new Error(`host exited (${code}) before it was ready:\n${output.join("\n")}`)),
    );
  });
  const { workerId } = await ready;
  const host = { child, pid: child.pid ?? 0, workerId, output };
  hosts.push(host);
  return host;
}

async function exitOf(host: Host): Promise<{ code: number | null; signal: string | null }> {
  const { child } = host;
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
  return { code, signal };
}

async function executions(taskId?: string): Promise<Execution[]> {
  const text = await readFile(recordFile, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Execution)
    .filter((e) => taskId === undefined || e.taskId === taskId);
}

async function newUser(): Promise<string> {
  const id = randomUUID();
  await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
  return id;
}

async function eventsOf(taskId: string) {
  return database.db
    .select()
    .from(schema.taskEvents)
    .where(eq(schema.taskEvents.taskId, taskId))
    .orderBy(schema.taskEvents.seq);
}

const succeeded = (deps: TasksDeps, userId: string, id: string) =>
  until(async () => {
    const task = await getTask(deps, { userId, input: { id } });
    if (["failed", "canceled", "interrupted"].includes(task.status)) {
      throw new Error(`task ${id} ended ${task.status}: ${JSON.stringify(task.error)}`);
    }
    return task.status === "succeeded" && task;
  }, `task ${id} to succeed`);

beforeAll(async () => {
  if (!databaseUrl) return;
  database = await createTestDatabase(databaseUrl);
  workDir = await mkdtemp(path.join(tmpdir(), "genflow-crash-"));
  recordFile = path.join(workDir, "executions.jsonl");
  await writeFile(recordFile, "");
});

afterEach(async () => {
  for (const host of hosts.splice(0)) {
    if (host.child.exitCode === null && host.child.signalCode === null) {
      host.child.kill("SIGKILL");
      await exitOf(host);
    }
  }
});

afterAll(async () => {
  await database?.destroy();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.skipIf(!databaseUrl || !redisUrl)(
  "BullMQ workers killed mid-task (needs DATABASE_URL and REDIS_URL)",
  () => {
    const url = redisUrl ?? "";
    const keyPrefix = `genflow-test-${randomUUID().slice(0, 8)}:`;
    let redis: RedisAdapters;
    let producer: BullmqRunner;
    let deps: TasksDeps;
    let inspector: Redis;
    let queue: Queue;

    beforeAll(async () => {
      redis = await createRedisAdapters({ url, keyPrefix, policies: {}, log: quietLog });
      const tasks: TasksConfig = {
        kinds: taskKinds([sleepKind(recordFile)]),
        storage: undefined as never,
        queue: { enqueue: () => Promise.resolve() },
      };
      deps = {
        db: database.db,
        pubsub: redis.pubsub,
        cache: redis.cache,
        rateLimiter: redis.rateLimiter,
        log: quietLog,
        clock: { now: () => new Date() },
        tasks,
      };
      // This process only creates tasks and adds their jobs, like a server with RUN_WORKERS=false.
      producer = createBullmqRunner(deps, {
        workerId: "test",
        redisUrl: url,
        keyPrefix,
        runHandlers: false,
      });
      tasks.queue = producer.queue;
      await producer.start();
      inspector = new Redis(url, { maxRetriesPerRequest: null });
      queue = new Queue(taskQueueName("test.sleep"), {
        connection: inspector,
        prefix: taskQueuePrefix(keyPrefix),
      });
    });

    afterAll(async () => {
      await producer?.stop();
      await queue?.close();
      inspector?.disconnect();
      await redis?.close();
      await deleteKeys(url, keyPrefix);
    });

    const workerEnv = () => ({ REDIS_URL: url, REDIS_KEY_PREFIX: keyPrefix });
    const host = (pid: number) => hosts.find((h) => h.pid === pid);

    it("retries the task of a SIGKILLed worker on another one; it succeeds exactly once", async () => {
      const first = await startHost("bullmq", workerEnv());
      const second = await startHost("bullmq", workerEnv());
      const userId = await newUser();
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.sleep", input: { ms: 1_500 } },
      });

      const started = await until(async () => (await executions(task.id))[0], "the first start");
      const victim = host(started.pid);
      const survivor = victim === first ? second : first;
      expect(victim).toBeDefined();
      victim?.child.kill("SIGKILL");
      expect(victim && (await exitOf(victim)).signal).toBe("SIGKILL");

      const done = await succeeded(deps, userId, task.id);
      const runs = await executions(task.id);
      expect(runs.filter((e) => e.event === "start").map((e) => [e.attempt, e.pid])).toEqual([
        [1, started.pid],
        [2, survivor.pid],
      ]);
      // The killed attempt never ended; the final success was recorded once.
      expect(runs.filter((e) => e.event === "end")).toEqual([
        expect.objectContaining({ attempt: 2, pid: survivor.pid }),
      ]);
      expect(done).toMatchObject({ attempts: 2, workerId: survivor.workerId });
      const events = await eventsOf(task.id);
      expect(events.map((e) => e.type)).toEqual([
        "created",
        "started",
        "retrying",
        "started",
        "succeeded",
      ]);
      expect(events[2]?.data).toMatchObject({ reason: "worker lost", workerId: victim?.workerId });

      // The dead worker's job stalled and was dropped; nothing is left in Redis.
      await until(async () => {
        const counts = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
        return Object.values(counts).every((n) => n === 0);
      }, "the queue to empty");
      expect(await queue.getJobCounts("completed", "failed")).toEqual({ completed: 0, failed: 0 });

      survivor.child.kill("SIGTERM");
      expect(await exitOf(survivor)).toEqual({ code: 0, signal: null });
    });

    it("hands a running task over when its worker is stopped with SIGTERM, using no attempt", async () => {
      const first = await startHost("bullmq", workerEnv());
      const second = await startHost("bullmq", workerEnv());
      const userId = await newUser();
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.sleep", input: { ms: 1_500 } },
      });
      const started = await until(async () => (await executions(task.id))[0], "the first start");
      const stopping = host(started.pid);
      const other = stopping === first ? second : first;
      const stoppedAt = Date.now();
      stopping?.child.kill("SIGTERM");
      expect(stopping && (await exitOf(stopping))).toEqual({ code: 0, signal: null });
      // It stopped at once rather than after the handler's 1.5 s.
      expect(Date.now() - stoppedAt).toBeLessThan(1_400);

      const done = await succeeded(deps, userId, task.id);
      expect(done).toMatchObject({ attempts: 1, workerId: other.workerId });
      const runs = await executions(task.id);
      expect(runs.map((e) => [e.event, e.attempt, e.pid])).toEqual([
        ["start", 1, started.pid],
        ["start", 1, other.pid],
        ["end", 1, other.pid],
      ]);
      const retrying = (await eventsOf(task.id)).filter((e) => e.type === "retrying");
      expect(retrying.map((e) => e.data["reason"])).toEqual(["shutdown"]);
    });
  },
);

describe.skipIf(!databaseUrl)(
  "the single-process host restarted mid-task (needs DATABASE_URL)",
  () => {
    let deps: TasksDeps;

    beforeAll(() => {
      deps = {
        db: database.db,
        pubsub: {
          publish: () => Promise.resolve(),
          subscribe: () => Promise.resolve(() => Promise.resolve()),
        },
        cache: undefined as never,
        rateLimiter: undefined as never,
        log: quietLog,
        clock: { now: () => new Date() },
        // The host polls the database: creating the rows is enough.
        tasks: {
          kinds: taskKinds([sleepKind(recordFile)]),
          storage: undefined as never,
          queue: { enqueue: () => Promise.resolve() },
        },
      };
    });

    async function createSome(userId: string, n: number, ms: number): Promise<Task[]> {
      const created: Task[] = [];
      for (let i = 0; i < n; i += 1) {
        const { task } = await createTask(deps, {
          userId,
          input: { kind: "test.sleep", input: { ms } },
        });
        created.push(task);
      }
      return created;
    }

    it("loses nothing when the host is killed and started again", async () => {
      const userId = await newUser();
      const before = await startHost("in-process", {});
      const tasks = await createSome(userId, 3, 700);
      await until(
        async () => (await executions()).some((e) => e.taskId === tasks[0]?.id),
        "a start",
      );
      before.child.kill("SIGKILL");
      await exitOf(before);
      const killed = new Set(
        (await executions())
          .filter((e) => e.pid === before.pid && e.event === "start")
          .map((e) => e.taskId),
      );
      expect(killed.size).toBeGreaterThan(0);
      // The kill can land after a task is claimed and before its handler
      // records a start: the row, not the record file, says which attempts began.
      const claimed = new Map<string, number>();
      for (const task of tasks) {
        const row = await getTask(deps, { userId, input: { id: task.id } });
        claimed.set(task.id, row.attempts);
        if (killed.has(task.id)) expect(row.attempts).toBe(1);
      }

      await startHost("in-process", {});
      for (const task of tasks) {
        const done = await succeeded(deps, userId, task.id);
        // A killed attempt counts; the next one finished.
        expect(done.attempts).toBe((claimed.get(task.id) ?? 0) + 1);
        const ends = (await executions(task.id)).filter((e) => e.event === "end");
        expect(ends).toHaveLength(1);
      }
    });

    it("puts running tasks back when the host stops with SIGTERM, and the next host runs them", async () => {
      const userId = await newUser();
      const before = await startHost("in-process", {});
      const [task] = await createSome(userId, 1, 1_500);
      if (!task) throw new Error("no task");
      await until(async () => (await executions(task.id))[0], "the first start");
      before.child.kill("SIGTERM");
      expect(await exitOf(before)).toEqual({ code: 0, signal: null });
      const back = await getTask(deps, { userId, input: { id: task.id } });
      expect(back).toMatchObject({ status: "queued", attempts: 0 });

      await startHost("in-process", {});
      const done = await succeeded(deps, userId, task.id);
      expect(done.attempts).toBe(1);
      const runs = await executions(task.id);
      expect(runs.map((e) => e.event)).toEqual(["start", "start", "end"]);
    });
  },
);
