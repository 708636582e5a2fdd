import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { DiskBlobStorage } from "../src/adapters/disk";
import { MemoryPubSub } from "../src/adapters/memory";
import { createRedisAdapters, type RedisAdapters } from "../src/adapters/redis";
import { DomainError } from "../src/errors";
import { deleteKeys } from "../src/testing";
import { listUserEvents } from "../src/events";
import type { Logger, PubSub } from "../src/ports";
import {
  backoffDelay,
  cancelTask,
  createInProcessRunner,
  createTask,
  defineTaskKind,
  deleteTask,
  getTask,
  listTasks,
  pruneTasks,
  recoverStaleTasks,
  retryTask,
  streamTaskUpdates,
  taskKinds,
  taskStats,
  type InProcessRunner,
  type Task,
  type TasksConfig,
  type TasksDeps,
  type TaskUpdate,
} from "../src/tasks";
import { insertTask } from "../src/tasks/store";

const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Releasable gates, so a test decides when a handler may finish. */
const gates = new Map<string, () => void>();
const gate = (key: string) =>
  new Promise<void>((resolve) => {
    gates.set(key, resolve);
  });

const calls: { kind: string; value: string; attempt: number; at: number }[] = [];
const stopReasons = new Map<string, unknown>();

const echo = defineTaskKind({
  name: "test.echo",
  input: z.object({ value: z.string().max(100) }),
  concurrency: 2,
  maxAttempts: 1,
  timeoutMs: 5_000,
  backoff: { baseMs: 10, maxMs: 100 },
  async run({ input, progress, log, attempt }) {
    calls.push({ kind: "test.echo", value: input.value, attempt, at: Date.now() });
    await progress(50, "half way");
    await log({ message: "said it" });
    return { echo: input.value };
  },
});

const flaky = defineTaskKind({
  name: "test.flaky",
  input: z.object({
    value: z.string(),
    failures: z.number().int(),
    retryAfterMs: z.number().int().optional(),
  }),
  concurrency: 1,
  maxAttempts: 3,
  timeoutMs: 5_000,
  backoff: { baseMs: 80, maxMs: 1_000 },
  async run({ input, attempt }) {
    calls.push({ kind: "test.flaky", value: input.value, attempt, at: Date.now() });
    await Promise.resolve();
    if (attempt <= input.failures && input.retryAfterMs !== undefined) {
      throw new DomainError("LIMIT_EXCEEDED", "slow down", { retryAfterMs: input.retryAfterMs });
    }
    if (attempt <= input.failures) throw new DomainError("UNAVAILABLE", "provider is down");
    return { attempt };
  },
});

const bad = defineTaskKind({
  name: "test.bad",
  input: z.object({ value: z.string() }),
  concurrency: 1,
  maxAttempts: 3,
  timeoutMs: 5_000,
  backoff: { baseMs: 10, maxMs: 100 },
  async run({ input }) {
    calls.push({ kind: "test.bad", value: input.value, attempt: 1, at: Date.now() });
    await Promise.resolve();
    throw new DomainError("VALIDATION", "the prompt is not allowed", {
      details: { field: "prompt" },
    });
  },
});

const crash = defineTaskKind({
  name: "test.crash",
  input: z.object({ value: z.string() }),
  concurrency: 1,
  maxAttempts: 1,
  timeoutMs: 5_000,
  backoff: { baseMs: 10, maxMs: 100 },
  run() {
    return Promise.reject(new Error("secret path /etc/passwd exploded"));
  },
});

// Held until its gate opens or it is canceled; its timeout is far beyond any test's, so a task
// is still running however slowly the test around it goes.
const wait = defineTaskKind({
  name: "test.wait",
  input: z.object({ value: z.string() }),
  concurrency: 4,
  maxAttempts: 1,
  timeoutMs: 60_000,
  backoff: { baseMs: 10, maxMs: 100 },
  async run({ input, signal, task }) {
    calls.push({ kind: "test.wait", value: input.value, attempt: 1, at: Date.now() });
    await new Promise<void>((resolve, reject) => {
      void gate(task.id).then(resolve);
      signal.addEventListener("abort", () => {
        stopReasons.set(task.id, signal.reason);
        reject(signal.reason as Error);
      });
    });
    return { done: true };
  },
});

/** Never finishes by itself: only its 400 ms timeout ends it. */
const stuck = defineTaskKind({
  name: "test.stuck",
  input: z.object({}),
  concurrency: 1,
  maxAttempts: 1,
  timeoutMs: 400,
  backoff: { baseMs: 10, maxMs: 100 },
  run: ({ signal }) =>
    new Promise<never>((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason as Error));
    }),
});

const files = defineTaskKind({
  name: "test.files",
  // `hold`: wait for the task's gate first, paying no attention to cancels (as a handler inside
  // a provider call that cannot be stopped would).
  input: z.object({ value: z.string(), hold: z.boolean().optional() }),
  concurrency: 1,
  maxAttempts: 1,
  timeoutMs: 5_000,
  backoff: { baseMs: 10, maxMs: 100 },
  async run({ task, input }) {
    if (input.hold) await gate(task.id);
    const key = `tasks/${task.id}/out.txt`;
    await storage.put(key, Buffer.from("hello"), { contentType: "text/plain" });
    calls.push({ kind: "test.files", value: input.value, attempt: 1, at: Date.now() });
    return { files: [{ name: "out.txt", key, bytes: 5, contentType: "text/plain" }] };
  },
});

const kinds = taskKinds([echo, flaky, bad, crash, wait, stuck, files]);

let database: TestDatabase;
let redis: RedisAdapters | undefined;
let pubsub: PubSub;
let storage: DiskBlobStorage;
let storageDir: string;
let runner: InProcessRunner;
let deps: TasksDeps;
const keyPrefix = `genflow-test-${randomUUID()}:`;

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    redis = await createRedisAdapters({
      url: redisUrl,
      keyPrefix,
      policies: {},
      log: quietLog,
    });
  }
  pubsub = redis?.pubsub ?? new MemoryPubSub({ log: quietLog });
  storageDir = await mkdtemp(path.join(tmpdir(), "genflow-tasks-"));
  storage = new DiskBlobStorage(storageDir);
  const base = {
    db: database.db,
    pubsub,
    log: quietLog,
    clock: { now: () => new Date() },
    cache: undefined as never,
    rateLimiter: undefined as never,
  };
  // The runner needs the queue and the queue is the runner's: tie them after creating it.
  const config: TasksConfig = { kinds, storage, queue: { enqueue: () => Promise.resolve() } };
  deps = { ...base, tasks: config };
  runner = createInProcessRunner(deps, {
    workerId: "test-worker",
    heartbeatMs: 100,
    staleAfterMs: 60_000,
    pollMs: 50,
  });
  config.queue = runner.queue;
  await runner.start();
});

afterEach(() => {
  for (const release of gates.values()) release();
  gates.clear();
});

afterAll(async () => {
  await runner?.stop();
  await redis?.close();
  if (redis && process.env.REDIS_URL) await deleteKeys(process.env.REDIS_URL, keyPrefix);
  await database?.close();
  await rm(storageDir, { recursive: true, force: true });
});

async function newUser(): Promise<string> {
  const id = randomUUID();
  await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
  return id;
}

const finished = (userId: string, id: string) =>
  until(async () => {
    const task = await getTask(deps, { userId, input: { id } });
    return ["succeeded", "failed", "canceled", "interrupted"].includes(task.status) && task;
  }, `task ${id} to finish`);

async function eventsOf(taskId: string) {
  return database.db
    .select()
    .from(schema.taskEvents)
    .where(eq(schema.taskEvents.taskId, taskId))
    .orderBy(schema.taskEvents.seq);
}

describe("creating and running tasks", () => {
  it("runs a task to success with its progress, log and output, and an ordered event log", async () => {
    const userId = await newUser();
    const { task, created } = await createTask(deps, {
      userId,
      input: { kind: "test.echo", input: { value: "hi" } },
    });
    expect(created).toBe(true);
    expect(task.status === "queued" || task.status === "running").toBe(true);
    const done = await finished(userId, task.id);
    expect(done).toMatchObject({
      status: "succeeded",
      output: { echo: "hi" },
      progress: 100,
      attempts: 1,
      error: null,
      workerId: "test-worker",
    });
    expect(done.startedAt).toBeInstanceOf(Date);
    expect(must(done.finishedAt).getTime()).toBeGreaterThanOrEqual(must(done.startedAt).getTime());
    const events = await eventsOf(task.id);
    expect(events.map((e) => e.type)).toEqual([
      "created",
      "started",
      "progress",
      "log",
      "succeeded",
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[2]?.data).toEqual({ progress: 50, message: "half way" });
    expect(done.lastSeq).toBe(5);
  });

  describe("when the database refuses an attempt's write", () => {
    // A trigger fails the `succeeded` (or a progress, or a log) write of tasks with a chosen input, as a
    // database that is briefly unreachable would; the sequence (not undone by the failed
    // statement) counts tries.
    beforeAll(async () => {
      await database.db.execute(sql.raw("create sequence test_finish_tries"));
      await database.db.execute(
        sql.raw(`create function test_refuse_finish() returns trigger language plpgsql as $$
          begin
            if new.status = 'succeeded' and (
              new.input->>'value' = 'finish refused' or
              (new.input->>'value' = 'finish refused twice' and nextval('test_finish_tries') <= 2)
            ) or (
              new.status = 'running' and new.progress_message = 'half way' and
              new.input->>'value' = 'progress refused'
            ) or (
              -- A log entry: an event appended while running, with the progress unchanged.
              old.status = 'running' and new.status = 'running' and
              new.last_seq > old.last_seq and new.progress = old.progress and
              new.input->>'value' = 'log refused'
            ) then
              raise exception 'the database is briefly unreachable';
            end if;
            return new;
          end $$`),
      );
      await database.db.execute(
        sql.raw(`create trigger test_refuse_finish before update on tasks
          for each row execute function test_refuse_finish()`),
      );
    });
    afterAll(async () => {
      await database.db.execute(sql.raw("drop trigger test_refuse_finish on tasks"));
      await database.db.execute(sql.raw("drop function test_refuse_finish()"));
      await database.db.execute(sql.raw("drop sequence test_finish_tries"));
    });

    it("writes the output again, instead of failing a task whose handler succeeded", async () => {
      const userId = await newUser();
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.echo", input: { value: "finish refused twice" } },
      });
      const done = await finished(userId, task.id);
      expect(done).toMatchObject({
        status: "succeeded",
        output: { echo: "finish refused twice" },
        attempts: 1,
        error: null,
      });
      expect(calls.filter((call) => call.value === "finish refused twice")).toHaveLength(1);
      expect((await eventsOf(task.id)).map((e) => e.type)).not.toContain("failed");
    });

    it("goes on without a progress report it could not write", async () => {
      const userId = await newUser();
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.echo", input: { value: "progress refused" } },
      });
      const done = await finished(userId, task.id);
      expect(done).toMatchObject({
        status: "succeeded",
        output: { echo: "progress refused" },
        attempts: 1,
        progress: 100,
      });
      expect((await eventsOf(task.id)).map((e) => e.type)).toEqual([
        "created",
        "started",
        "log",
        "succeeded",
      ]);
    });

    it("goes on without a log entry it could not write", async () => {
      const userId = await newUser();
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.echo", input: { value: "log refused" } },
      });
      const done = await finished(userId, task.id);
      expect(done).toMatchObject({
        status: "succeeded",
        output: { echo: "log refused" },
        attempts: 1,
      });
      expect((await eventsOf(task.id)).map((e) => e.type)).toEqual([
        "created",
        "started",
        "progress",
        "succeeded",
      ]);
    });

    it("leaves the task running when the write keeps failing, for recovery to run it again", async () => {
      const userId = await newUser();
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.flaky", input: { value: "finish refused", failures: 0 } },
      });
      await until(
        () => Promise.resolve(calls.some((call) => call.value === "finish refused")),
        "the handler to run",
      );
      // Past every try to write the output (100 + 500 + 2,000 ms apart).
      await sleep(3_000);
      const stuck = await getTask(deps, { userId, input: { id: task.id } });
      expect(stuck).toMatchObject({ status: "running", attempts: 1, error: null });

      // Recovery finds its heartbeat stopped and queues it again; the next attempt's write lands.
      await database.db
        .update(schema.tasks)
        .set({ input: { value: "finish accepted", failures: 0 } })
        .where(eq(schema.tasks.id, task.id));
      await until(async () => {
        const recovered = await recoverStaleTasks(deps, {
          staleAfterMs: 300,
          requeued: (queued) => deps.tasks.queue.enqueue(queued),
        });
        return recovered.requeued === 1;
      }, "recovery to queue the task again");
      const done = await finished(userId, task.id);
      expect(done).toMatchObject({ status: "succeeded", output: { attempt: 2 }, attempts: 2 });
      expect((await eventsOf(task.id)).map((e) => e.type)).toEqual([
        "created",
        "started",
        "retrying",
        "started",
        "succeeded",
      ]);
    });
  });

  it("rejects unknown kinds and input the kind's schema refuses, storing nothing", async () => {
    const userId = await newUser();
    await expect(
      createTask(deps, { userId, input: { kind: "nope.kind", input: {} } }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(
      createTask(deps, { userId, input: { kind: "test.echo", input: { value: "x".repeat(101) } } }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(
      createTask(deps, { userId, input: { kind: "Bad Kind!", input: {} } }),
    ).rejects.toMatchObject({ code: "VALIDATION" });
    const rows = await database.db
      .select()
      .from(schema.tasks)
      .where(eq(schema.tasks.userId, userId));
    expect(rows).toHaveLength(0);
  });

  it("returns the existing task for a repeated idempotency key, also when creates race", async () => {
    const userId = await newUser();
    const input = { kind: "test.echo", input: { value: "once" }, idempotencyKey: "k-1" };
    const results = await Promise.all([
      createTask(deps, { userId, input }),
      createTask(deps, { userId, input }),
      createTask(deps, { userId, input }),
    ]);
    const ids = new Set(results.map((r) => r.task.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const other = await newUser();
    const theirs = await createTask(deps, { userId: other, input });
    expect(theirs.created).toBe(true);
    expect(theirs.task.id).not.toBe(results[0].task.id);
  });

  it("retries retryable failures with growing backoff, then succeeds", async () => {
    const userId = await newUser();
    const value = randomUUID();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.flaky", input: { value, failures: 2 } },
    });
    const done = await finished(userId, task.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 3, output: { attempt: 3 } });
    const runs = calls.filter((c) => c.value === value);
    expect(runs.map((c) => c.attempt)).toEqual([1, 2, 3]);
    // Equal jitter: at least half of base·2^(n-1) between attempts (80 ms → ≥ 40 ms, then ≥ 80 ms).
    expect(must(runs[1]).at - must(runs[0]).at).toBeGreaterThanOrEqual(38);
    expect(must(runs[2]).at - must(runs[1]).at).toBeGreaterThanOrEqual(78);
    const retrying = (await eventsOf(task.id)).filter((e) => e.type === "retrying");
    expect(retrying.map((e) => e.data["code"])).toEqual(["UNAVAILABLE", "UNAVAILABLE"]);
  });

  it("waits at least as long as a rate-limited provider asked before retrying", async () => {
    const userId = await newUser();
    const value = randomUUID();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.flaky", input: { value, failures: 1, retryAfterMs: 300 } },
    });
    expect(await finished(userId, task.id)).toMatchObject({ status: "succeeded", attempts: 2 });
    const [retrying] = (await eventsOf(task.id)).filter((e) => e.type === "retrying");
    // The kind's own backoff would be 40–80 ms; the provider's 300 ms wins.
    expect(retrying?.data).toMatchObject({ code: "LIMIT_EXCEEDED", delayMs: 300 });
    const runs = calls.filter((c) => c.value === value);
    expect(must(runs[1]).at - must(runs[0]).at).toBeGreaterThanOrEqual(298);
  });

  it("fails after the last attempt, keeping the last error", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.flaky", input: { value: "never", failures: 5 } },
    });
    const done = await finished(userId, task.id);
    expect(done).toMatchObject({
      status: "failed",
      attempts: 3,
      error: { code: "UNAVAILABLE", message: "provider is down" },
    });
  });

  it("does not retry errors that would fail again, and hides unexpected errors' text", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.bad", input: { value: "b" } },
    });
    expect(await finished(userId, task.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "VALIDATION", message: "the prompt is not allowed" },
    });
    const crashed = await createTask(deps, {
      userId,
      input: { kind: "test.crash", input: { value: "c" } },
    });
    const done = await finished(userId, crashed.task.id);
    expect(done.error).toEqual({ code: "INTERNAL", message: "The task failed unexpectedly" });
    expect(JSON.stringify(await eventsOf(crashed.task.id))).not.toContain("passwd");
  });

  it("times an attempt out with a retryable TIMEOUT", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.stuck", input: {} },
    });
    const done = await finished(userId, task.id);
    expect(done).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
  });
});

describe("cancel, retry and delete", () => {
  it("cancels a running task: its signal fires, and the task records who stopped it", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.wait", input: { value: "c1" } },
    });
    await until(
      async () => (await getTask(deps, { userId, input: { id: task.id } })).status === "running",
      "running",
    );
    const requested = await cancelTask(deps, { userId, input: { id: task.id } });
    expect(requested).toMatchObject({
      status: "running",
      cancelRequested: true,
      canceledBy: userId,
    });
    const done = await finished(userId, task.id);
    expect(done).toMatchObject({ status: "canceled", canceledBy: userId });
    expect(stopReasons.get(task.id)).toMatchObject({ reason: { kind: "cancel", by: userId } });
    const types = (await eventsOf(task.id)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(["cancel-requested", "canceled"]);
  });

  it("notices a cancel that was recorded but never broadcast, at the next heartbeat", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.wait", input: { value: "c2" } },
    });
    await until(
      async () => (await getTask(deps, { userId, input: { id: task.id } })).status === "running",
      "running",
    );
    await database.db
      .update(schema.tasks)
      .set({ cancelRequestedAt: new Date(), canceledBy: "admin-1" })
      .where(eq(schema.tasks.id, task.id));
    expect(await finished(userId, task.id)).toMatchObject({
      status: "canceled",
      canceledBy: "admin-1",
    });
  });

  it("cancels a queued task at once, and says so for a finished one", async () => {
    const userId = await newUser();
    const later = new Date(Date.now() + 60_000);
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.echo", input: { value: "q" } },
    });
    await finished(userId, task.id);
    await expect(cancelTask(deps, { userId, input: { id: task.id } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "The task has already succeeded",
    });
    // A queued task (held back by its run time) is canceled without running.
    const queued = await createTask(deps, {
      userId,
      input: { kind: "test.flaky", input: { value: "q2", failures: 0 } },
    });
    await database.db
      .update(schema.tasks)
      .set({ status: "queued", runAfter: later })
      .where(eq(schema.tasks.id, queued.task.id));
    const canceled = await cancelTask(deps, { userId, input: { id: queued.task.id } });
    expect(canceled).toMatchObject({ status: "canceled", canceledBy: userId });
    expect(canceled.finishedAt).toBeInstanceOf(Date);
  });

  it("keeps other users out: not found, never someone else's task", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const { task } = await createTask(deps, {
      userId: owner,
      input: { kind: "test.echo", input: { value: "o" } },
    });
    for (const call of [
      () => getTask(deps, { userId: stranger, input: { id: task.id } }),
      () => cancelTask(deps, { userId: stranger, input: { id: task.id } }),
      () => retryTask(deps, { userId: stranger, input: { id: task.id } }),
      () => deleteTask(deps, { userId: stranger, input: { id: task.id } }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("retries a failed task as a new attempt of the same task", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.bad", input: { value: "r" } },
    });
    await finished(userId, task.id);
    const retried = await retryTask(deps, { userId, input: { id: task.id } });
    expect(retried).toMatchObject({ id: task.id, status: "queued", error: null, maxAttempts: 4 });
    const done = await finished(userId, task.id);
    expect(done).toMatchObject({ status: "failed", attempts: 2 });
    const ok = await createTask(deps, {
      userId,
      input: { kind: "test.echo", input: { value: "r2" } },
    });
    await finished(userId, ok.task.id);
    await expect(retryTask(deps, { userId, input: { id: ok.task.id } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("deletes a finished task with its log and files; a running one must be canceled first", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.files", input: { value: "f" } },
    });
    const done = await finished(userId, task.id);
    const key = `tasks/${task.id}/out.txt`;
    expect(done.output).toMatchObject({ files: [{ key }] });
    expect(await storage.has(key)).toBe(true);
    await expect(deleteTask(deps, { userId, input: { id: task.id } })).resolves.toEqual({
      id: task.id,
    });
    expect(await storage.has(key)).toBe(false);
    expect(await eventsOf(task.id)).toHaveLength(0);
    // The task's log is gone; the user's event stream tells other tabs.
    const userEvents = await listUserEvents(deps, { userId });
    expect(userEvents.filter((event) => event.type === "task.deleted")).toEqual([
      expect.objectContaining({ data: { id: task.id, kind: "test.files" } }),
    ]);
    await expect(getTask(deps, { userId, input: { id: task.id } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    const running = await createTask(deps, {
      userId,
      input: { kind: "test.wait", input: { value: "d" } },
    });
    await until(
      async () =>
        (await getTask(deps, { userId, input: { id: running.task.id } })).status === "running",
      "running",
    );
    await expect(
      deleteTask(deps, { userId, input: { id: running.task.id } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    gates.get(running.task.id)?.();
    await finished(userId, running.task.id);
  });
});

describe("an attempt that outlives its task", () => {
  const start = async (userId: string, value: string) => {
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.files", input: { value, hold: true } },
    });
    await until(() => Promise.resolve(gates.has(task.id)), `${value} to start`);
    return { id: task.id, key: `tasks/${task.id}/out.txt` };
  };
  const wrote = (value: string) =>
    until(
      () => Promise.resolve(calls.some((c) => c.kind === "test.files" && c.value === value)),
      value,
    );

  it("removes what it stored once it finds the task deleted (its account went meanwhile)", async () => {
    const userId = await newUser();
    const { id, key } = await start(userId, "orphan");
    await database.db.delete(schema.user).where(eq(schema.user.id, userId));
    must(gates.get(id))();
    await wrote("orphan");
    await until(async () => !(await storage.has(key)), "the orphaned file to be removed");
  });

  it("keeps what it stored when another worker has taken the task over", async () => {
    const userId = await newUser();
    const { id, key } = await start(userId, "taken");
    await database.db
      .update(schema.tasks)
      .set({ workerId: "another-worker" })
      .where(eq(schema.tasks.id, id));
    must(gates.get(id))();
    await wrote("taken");
    await sleep(300);
    expect(await storage.has(key)).toBe(true);
    const [row] = await database.db.select().from(schema.tasks).where(eq(schema.tasks.id, id));
    expect(row).toMatchObject({ status: "running", workerId: "another-worker" });
    // Nobody heartbeats it: left, recovery would run it again later in this file.
    await database.db.delete(schema.tasks).where(eq(schema.tasks.id, id));
  });
});

describe("listing, queue position and stats", () => {
  it("lists newest first with cursors, filters by status and kind, and searches the input", async () => {
    const userId = await newUser();
    const created: Task[] = [];
    for (const value of ["alpha cat", "beta dog", "gamma 100%_done", "delta cat"]) {
      created.push(
        (await createTask(deps, { userId, input: { kind: "test.echo", input: { value } } })).task,
      );
    }
    const bad1 = await createTask(deps, {
      userId,
      input: { kind: "test.bad", input: { value: "epsilon" } },
    });
    for (const t of [...created, bad1.task]) await finished(userId, t.id);

    const first = await listTasks(deps, { userId, limit: 2 });
    expect(first.items.map((t) => t.id)).toEqual([bad1.task.id, must(created[3]).id]);
    const second = await listTasks(deps, { userId, limit: 2, cursor: must(first.nextCursor) });
    expect(second.items.map((t) => t.id)).toEqual([must(created[2]).id, must(created[1]).id]);
    const failed = await listTasks(deps, { userId, status: ["failed"] });
    expect(failed.items.map((t) => t.id)).toEqual([bad1.task.id]);
    expect((await listTasks(deps, { userId, kind: "test.bad" })).items).toHaveLength(1);
    const cats = await listTasks(deps, { userId, search: "CAT" });
    expect(cats.items.map((t) => t.input["value"])).toEqual(["delta cat", "alpha cat"]);
    // LIKE wildcards are literal.
    expect(
      (await listTasks(deps, { userId, search: "%_" })).items.map((t) => t.input["value"]),
    ).toEqual(["gamma 100%_done"]);
    await expect(listTasks(deps, { userId, cursor: "nonsense" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
  });

  it("gives a queued task its position and an ETA from measured durations; admins see stats", async () => {
    const userId = await newUser();
    const later = new Date(Date.now() + 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { task } = await createTask(deps, {
        userId,
        input: { kind: "test.files", input: { value: `p${i}` } },
      });
      // Hold them back so they stay queued while we look.
      await database.db
        .update(schema.tasks)
        .set({ status: "queued", runAfter: later, output: null })
        .where(eq(schema.tasks.id, task.id));
      ids.push(task.id);
    }
    const third = await getTask(deps, { userId, input: { id: must(ids[2]) } });
    expect(third.queue?.position).toBeGreaterThanOrEqual(3);
    const first = await getTask(deps, { userId, input: { id: must(ids[0]) } });
    expect(must(first.queue).position).toBeLessThan(must(third.queue).position);
    const stats = await taskStats(deps);
    const row = stats.kinds.find((k) => k.kind === "test.files");
    expect(row?.queued).toBeGreaterThanOrEqual(3);
    const echoRow = stats.kinds.find((k) => k.kind === "test.echo");
    expect(echoRow?.succeededLastHour).toBeGreaterThan(0);
    expect(echoRow?.p50DurationMs).not.toBeNull();
    for (const id of ids) await cancelTask(deps, { userId, input: { id } });
  });
  it("places a queued task where fair turns put it, not behind every older task of its kind", async () => {
    // A kind no runner here takes, so nothing starts while we look.
    const kind = `test.place-${randomUUID()}`;
    const heavy = await newUser();
    const light = await newUser();
    const queue = async (userId: string, count: number) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        ids.push(
          (await insertTask(deps, { id: randomUUID(), userId, kind, maxAttempts: 1, input: {} }))
            .id,
        );
      }
      return ids;
    };
    const heavyIds = await queue(heavy, 5);
    const [lightId] = await queue(light, 1);
    const place = async (userId: string, id: string | undefined) =>
      must((await getTask(deps, { userId, input: { id: must(id) } })).queue).position;
    // The light user's one task takes its turn with the heavy user's first, not after all five.
    expect(await place(light, lightId)).toBe(2);
    expect(await place(heavy, heavyIds[0])).toBe(2);
    expect(await place(heavy, heavyIds[2])).toBe(4);
    // An owner with a task running waits that much longer for its next turn.
    await database.db
      .update(schema.tasks)
      .set({ status: "running", startedAt: new Date(), heartbeatAt: new Date() })
      .where(eq(schema.tasks.id, must(heavyIds[0])));
    expect(await place(light, lightId)).toBe(1);
    expect(await place(heavy, heavyIds[1])).toBe(2);
    expect(await place(heavy, heavyIds[4])).toBe(5);
    await database.db.delete(schema.tasks).where(eq(schema.tasks.kind, kind));
  });
});

describe("live updates", () => {
  /** Follows a new user's updates from the start until one of type `last`; resolves with them all. */
  async function watch(userId: string, last: TaskUpdate["type"]): Promise<TaskUpdate[]> {
    const controller = new AbortController();
    // A new user's log is empty: replaying from 0 is "everything from now on".
    const stream = await streamTaskUpdates(deps, {
      userId,
      input: { lastEventId: 0 },
      signal: controller.signal,
    });
    const seen: TaskUpdate[] = [];
    return (async () => {
      for await (const update of stream) {
        seen.push(update);
        if (update.type === last) break;
      }
      controller.abort();
      return seen;
    })();
  }

  it("streams one user's updates live and replays exactly what a reconnect missed", async () => {
    const userId = await newUser();
    const watching = watch(userId, "succeeded");
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.echo", input: { value: "live" } },
    });
    const seen = await watching;
    expect(seen.map((u) => u.type)).toEqual(["created", "started", "progress", "log", "succeeded"]);
    expect(seen.at(-1)?.task).toMatchObject({
      id: task.id,
      status: "succeeded",
      output: { echo: "live" },
    });

    // Reconnect after the second event: the rest comes back from the log, once each.
    const replay = new AbortController();
    const resumed = await streamTaskUpdates(deps, {
      userId,
      input: { lastEventId: must(seen[1]).id, taskId: task.id },
      signal: replay.signal,
    });
    const again: TaskUpdate[] = [];
    for await (const update of resumed) {
      again.push(update);
      if (again.length === 3) break;
    }
    replay.abort();
    expect(again.map((u) => u.id)).toEqual(seen.slice(2).map((u) => u.id));
  });

  it("keeps changes whose announcement fails, and their watchers still get them", async () => {
    const userId = await newUser();
    // A pub/sub that delivers to subscribers but cannot publish (Redis gone for a moment).
    const lossy: TasksDeps = {
      ...deps,
      pubsub: {
        publish: () => Promise.reject(new Error("pub/sub is unreachable")),
        subscribe: (channel, listener) => pubsub.subscribe(channel, listener),
      },
    };
    const watching = watch(userId, "canceled");

    // The create is stored and queued although nobody could be told; the runner's next event
    // (announced as usual) shows the watcher what it missed.
    const { task } = await createTask(lossy, {
      userId,
      input: { kind: "test.wait", input: { value: "lossy" } },
    });
    await until(
      async () => (await getTask(deps, { userId, input: { id: task.id } })).status === "running",
      "running",
    );
    // The cancel is recorded although its broadcast fails; the heartbeat delivers it.
    const requested = await cancelTask(lossy, { userId, input: { id: task.id } });
    expect(requested).toMatchObject({ cancelRequested: true, canceledBy: userId });
    expect(await finished(userId, task.id)).toMatchObject({
      status: "canceled",
      canceledBy: userId,
    });
    const seen = await watching;
    expect(seen.map((update) => update.type)).toEqual([
      "created",
      "started",
      "cancel-requested",
      "canceled",
    ]);
  });

  it("refuses to follow another user's task", async () => {
    const owner = await newUser();
    const { task } = await createTask(deps, {
      userId: owner,
      input: { kind: "test.echo", input: { value: "x" } },
    });
    await expect(
      streamTaskUpdates(deps, { userId: await newUser(), input: { taskId: task.id } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("fairness, recovery and retention", () => {
  it("lets another user's single task run before one user's long queue is drained", async () => {
    const heavy = await newUser();
    const light = await newUser();
    // Queue many waiting tasks for one user (they hold the 4 test.wait slots), then one for another.
    const heavyTasks: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      heavyTasks.push(
        (
          await createTask(deps, {
            userId: heavy,
            input: { kind: "test.wait", input: { value: `h${i}` } },
          })
        ).task.id,
      );
    }
    await until(() => Promise.resolve(runner.running() >= 4), "slots busy");
    const single = (
      await createTask(deps, { userId: light, input: { kind: "test.wait", input: { value: "l" } } })
    ).task.id;
    // Free one slot: the light user's task must be next, not the heavy user's fifth.
    const firstRunning = await until(async () => {
      const rows = await database.db
        .select()
        .from(schema.tasks)
        .where(eq(schema.tasks.userId, heavy));
      return rows.find((r) => r.status === "running")?.id;
    }, "a running heavy task");
    gates.get(firstRunning)?.();
    await until(
      async () =>
        (await getTask(deps, { userId: light, input: { id: single } })).status === "running",
      "light task to start",
    );
    const heavyRows = await database.db
      .select()
      .from(schema.tasks)
      .where(eq(schema.tasks.userId, heavy));
    // The freed slot went to the light user: the heavy user's queue did not move.
    expect(heavyRows.filter((r) => r.status === "queued")).toHaveLength(4);
    expect(heavyRows.filter((r) => r.status === "running")).toHaveLength(3);
    for (const id of [...heavyTasks, single]) {
      await cancelTask(deps, {
        userId: heavyTasks.includes(id) ? heavy : light,
        input: { id },
      }).catch(() => undefined);
    }
  });

  it("requeues a task whose worker stopped heartbeating, or marks it interrupted without attempts left", async () => {
    const userId = await newUser();
    const old = new Date(Date.now() - 120_000);
    const ids: string[] = [];
    for (const [attempts, maxAttempts] of [
      [1, 2],
      [1, 1],
    ] as const) {
      const id = randomUUID();
      await database.db.insert(schema.tasks).values({
        id,
        userId,
        kind: "test.flaky",
        status: "running",
        attempts,
        maxAttempts,
        input: { value: id, failures: 0 },
        workerId: "dead-worker",
        startedAt: old,
        heartbeatAt: old,
        // A queue that is not for this runner's kinds would still be recovered; keep it idle here.
        runAfter: new Date(Date.now() + 60_000),
      });
      ids.push(id);
    }
    // The runner of this file recovers stale tasks on its own timer too, so this call may find
    // one or both already recovered; whoever did it, each ends as recovery says.
    const result = await recoverStaleTasks(deps, { staleAfterMs: 60_000 });
    expect(result.requeued).toBeLessThanOrEqual(1);
    expect(result.interrupted).toBeLessThanOrEqual(1);
    const stillStale = await database.db
      .select({ id: schema.tasks.id })
      .from(schema.tasks)
      .where(and(eq(schema.tasks.userId, userId), eq(schema.tasks.workerId, "dead-worker")));
    expect(stillStale).toEqual([]);
    const requeued = await finished(userId, must(ids[0]));
    expect(requeued).toMatchObject({ status: "succeeded", attempts: 2 });
    const interrupted = await getTask(deps, { userId, input: { id: must(ids[1]) } });
    expect(interrupted).toMatchObject({ status: "interrupted", error: { code: "INTERNAL" } });
  });

  it("removes finished tasks past retention with their files, never queued or running ones", async () => {
    const userId = await newUser();
    const { task } = await createTask(deps, {
      userId,
      input: { kind: "test.files", input: { value: "old" } },
    });
    await finished(userId, task.id);
    const key = `tasks/${task.id}/out.txt`;
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    await database.db
      .update(schema.tasks)
      .set({ finishedAt: longAgo })
      .where(eq(schema.tasks.id, task.id));
    const keep = await createTask(deps, {
      userId,
      input: { kind: "test.files", input: { value: "new" } },
    });
    await finished(userId, keep.task.id);
    const queued = await createTask(deps, {
      userId,
      input: { kind: "test.wait", input: { value: "stay" } },
    });

    const result = await pruneTasks(deps, { retentionDays: 30 });
    expect(result.removed).toBeGreaterThanOrEqual(1);
    expect(await storage.has(key)).toBe(false);
    await expect(getTask(deps, { userId, input: { id: task.id } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await getTask(deps, { userId, input: { id: keep.task.id } })).status).toBe("succeeded");

    // Over the storage cap, the oldest finished tasks go first.
    await pruneTasks(deps, { retentionDays: 30, storageMaxBytes: 0 });
    expect(await storage.has(`tasks/${keep.task.id}/out.txt`)).toBe(false);
    expect((await getTask(deps, { userId, input: { id: queued.task.id } })).status).not.toBe(
      undefined,
    );
    // It may have started meanwhile: cancel it either way, so it holds no slot after this test.
    await cancelTask(deps, { userId, input: { id: queued.task.id } }).catch(() => undefined);
  });

  it("computes backoff with equal jitter, growing and capped", () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 0)).toBe(200);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1_000);
  });
});
