import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { DiskBlobStorage } from "../src/adapters/disk";
import { createMemoryAdapters } from "../src/adapters/memory";
import {
  createBullmqRunner,
  createTask,
  defineTaskKind,
  getTask,
  taskKinds,
  type BullmqRunner,
  type TasksDeps,
} from "../src/tasks";
import {
  freePort,
  randomPrefix,
  recordingLogger,
  sleep,
  ThrowawayRedis,
  waitFor,
  type LogEntry,
} from "./adapters-helpers";

/**
 * The BullMQ runner when its Redis goes away: a redis-server owned by the test is killed (and
 * started again, empty) or paused under a started runner, while it runs tasks and while it stops.
 */
describe("BullMQ runner when Redis goes away", () => {
  let server: ThrowawayRedis;
  let database: TestDatabase;
  let storageDir: string;

  beforeAll(async () => {
    server = new ThrowawayRedis(await freePort());
    database = await createTestDatabase(process.env.DATABASE_URL);
    storageDir = await mkdtemp(path.join(tmpdir(), "genflow-bullmq-outage-"));
  });

  afterEach(() => server.kill());

  afterAll(async () => {
    await database?.destroy();
    await rm(storageDir, { recursive: true, force: true });
  });

  const idle = defineTaskKind({
    name: "outage.idle",
    input: z.object({}),
    concurrency: 2,
    maxAttempts: 1,
    timeoutMs: 10_000,
    backoff: { baseMs: 10, maxMs: 100 },
    run: () => Promise.resolve({}),
  });

  /**
   * Every handler run by task id; a gated task finishes when the test opens its gate, and otherwise
   * runs until its attempt is aborted.
   */
  const runs = new Map<string, number>();
  const gates = new Map<string, () => void>();
  const gated = defineTaskKind({
    name: "outage.gated",
    input: z.object({}),
    concurrency: 2,
    maxAttempts: 1,
    timeoutMs: 60_000,
    backoff: { baseMs: 10, maxMs: 100 },
    run: ({ task, signal }) => {
      runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        gates.set(task.id, () => resolve({}));
        signal.addEventListener("abort", () => reject(signal.reason as Error));
      });
    },
  });

  function runnerOn(
    url: string,
    entries: LogEntry[] = [],
    closeTimeoutMs = 500,
    reconcileMs?: number,
  ): { runner: BullmqRunner; deps: TasksDeps } {
    const { log } = recordingLogger(entries);
    const memory = createMemoryAdapters({ policies: {}, log });
    const deps: TasksDeps = {
      db: database.db,
      pubsub: memory.pubsub,
      cache: memory.cache,
      rateLimiter: memory.rateLimiter,
      log,
      clock: { now: () => new Date() },
      tasks: {
        kinds: taskKinds([idle, gated]),
        storage: new DiskBlobStorage(storageDir),
        queue: { enqueue: () => Promise.resolve() },
      },
    };
    const runner = createBullmqRunner(deps, {
      workerId: "outage",
      redisUrl: url,
      keyPrefix: randomPrefix(),
      closeTimeoutMs,
      ...(reconcileMs === undefined ? {} : { reconcileMs }),
    });
    deps.tasks.queue = runner.queue;
    return { runner, deps };
  }

  /** The connections the server has, apart from the one asking. */
  async function otherClients(): Promise<string[]> {
    const inspector = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      const list = (await inspector.call("CLIENT", "LIST")) as string;
      return list
        .split("\n")
        .filter((line) => line.trim() !== "" && !/ cmd=client\|list /.test(`${line} `));
    } finally {
      inspector.disconnect();
    }
  }

  async function newUser(): Promise<string> {
    const id = randomUUID();
    await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
    return id;
  }

  /** The worker's connections open once it fetches its first job. */
  const workerConnected = () =>
    waitFor(async () => (await otherClients()).length >= 2, 10_000, "the task worker to connect");

  it("says once that its workers lost Redis, however often they retry, and when it is back", async () => {
    await server.start();
    const entries: LogEntry[] = [];
    const { runner } = runnerOn(server.url, entries);
    await runner.start();
    await workerConnected();

    await server.kill();
    await sleep(3_000); // several reconnect attempts of each connection
    await server.start();
    const back = () =>
      entries.some((entry) => entry.message === "Redis is back; task workers resume");
    await waitFor(back, 10_000, "the runner to say Redis is back");
    await runner.stop();

    const warnings = entries.filter((entry) => entry.level === "warn").map((e) => e.message);
    expect(
      warnings.filter((m) => m === "task workers lost Redis; they reconnect by themselves"),
    ).toHaveLength(1);
    expect(warnings).not.toContain("task worker error");
    const retries = entries.filter((e) => e.message === "task worker connection error");
    expect(retries.length).toBeGreaterThan(1);
    expect(new Set(retries.map((e) => e.level))).toEqual(new Set(["debug"]));
  }, 60_000);

  it("finishes the task that ran through an outage, and runs the one created during it, once each", async () => {
    await server.start();
    const entries: LogEntry[] = [];
    const { runner, deps } = runnerOn(server.url, entries, 500, 300);
    await runner.start();
    const userId = await newUser();
    const status = async (id: string) => (await getTask(deps, { userId, input: { id } })).status;
    const before = await createTask(deps, { userId, input: { kind: "outage.gated", input: {} } });
    await waitFor(() => gates.has(before.task.id), 10_000, "the first task to run");

    await server.kill();
    // A create while Redis is away succeeds: the task is in the database; its job comes later.
    const during = await createTask(deps, { userId, input: { kind: "outage.gated", input: {} } });
    expect(during.task.status).toBe("queued");
    const alsoDuring = await createTask(deps, {
      userId,
      input: { kind: "outage.gated", input: {} },
    });
    // The running task finishes while Redis is away: its result is recorded all the same.
    gates.get(before.task.id)?.();
    await waitFor(
      async () => (await status(before.task.id)) === "succeeded",
      10_000,
      "the first task",
    );

    // Redis comes back empty (no persistence): the reconciler gives the queued task a job.
    await sleep(1_000);
    await server.start();
    await waitFor(() => gates.has(during.task.id), 20_000, "the second task to run");
    await waitFor(() => gates.has(alsoDuring.task.id), 20_000, "the third task to run");
    gates.get(during.task.id)?.();
    gates.get(alsoDuring.task.id)?.();
    for (const { task } of [during, alsoDuring]) {
      await waitFor(async () => (await status(task.id)) === "succeeded", 10_000, "a later task");
    }
    await runner.stop();

    expect([before, during, alsoDuring].map(({ task }) => runs.get(task.id))).toEqual([1, 1, 1]);
    // Said once for the outage, not once per task.
    const waiting = entries.filter((e) => e.message?.startsWith("Redis is unreachable; new tasks"));
    expect(waiting.map((e) => e.level)).toEqual(["warn"]);
    // The reconciler failed every 300 ms while Redis was away: said once, and once it worked.
    const reconciling = entries.filter((e) => e.message?.includes("reconcile"));
    expect(reconciling.filter((e) => e.level === "warn")).toHaveLength(1);
    expect(reconciling.filter((e) => e.level === "debug").length).toBeGreaterThan(0);
    expect(reconciling.map((e) => e.message)).toContain("the task queues are reconciled again");
    // A job Redis lost (its task finished meanwhile) is no worker fault.
    expect(entries.filter((e) => e.level === "warn").map((e) => e.message)).not.toContain(
      "task worker error",
    );
    expect(await getTask(deps, { userId, input: { id: before.task.id } })).toMatchObject({
      status: "succeeded",
      attempts: 1,
    });
  }, 60_000);

  it("stops at once while Redis is away, puts its task back, and leaves no connection trying to reconnect", async () => {
    await server.start();
    const entries: LogEntry[] = [];
    // A close timeout far past the test's own: waiting for it would fail the test.
    const { runner, deps } = runnerOn(server.url, entries, 10 * 60_000);
    await runner.start();
    await workerConnected();

    const userId = await newUser();
    const { task } = await createTask(deps, { userId, input: { kind: "outage.gated", input: {} } });
    const running = () => getTask(deps, { userId, input: { id: task.id } });
    await waitFor(async () => (await running()).status === "running", 10_000, "the task to run");

    await server.kill();
    // Let every connection notice and wait between reconnect attempts.
    await sleep(1_000);
    // This used to wait forever: QUIT waits for Redis, and BullMQ's forced disconnect for an
    // `end` event ioredis does not emit for a client that is between reconnect attempts.
    await runner.stop();
    expect(entries.map((entry) => entry.message)).toContain(
      "Redis is unreachable; disconnecting the task workers without closing them",
    );
    // The running task went back to the queue without using its only attempt.
    expect(await running()).toMatchObject({ status: "queued", attempts: 0 });

    // Redis returns after the stop: nothing of the stopped runner comes back to it.
    await server.start();
    await sleep(3_000); // longer than the runner's longest pause between reconnect attempts (2 s)
    expect(await otherClients()).toEqual([]);
  }, 60_000);

  it("stops within its close timeout when Redis stalls, and drops its connections", async () => {
    await server.start();
    const entries: LogEntry[] = [];
    const { runner } = runnerOn(server.url, entries, 500);
    await runner.start();
    await workerConnected();

    // Connected but not answering (a stalled host): nothing tells the runner Redis is gone.
    server.pause();
    try {
      await runner.stop();
    } finally {
      server.resume();
    }
    expect(entries.map((entry) => entry.message)).toContain(
      "task workers did not close in time; disconnecting them",
    );
    await waitFor(
      async () => (await otherClients()).length === 0,
      10_000,
      "the runner's connections to go",
    );
  }, 60_000);
});
