// What a GenFlow process of the benchmark is built from, as apps/worker and apps/server build it:
// a Postgres client, the pub/sub adapter (Redis, or in memory for the in-process runner, as a
// server without REDIS_URL has it), and the task config with the bench-only no-op kind.
import { tmpdir } from "node:os";
import path from "node:path";

import { createMemoryAdapters } from "@genflow/core/adapters/memory";
import { DiskBlobStorage } from "@genflow/core/adapters/disk";
import { createRedisAdapters } from "@genflow/core/adapters/redis";
import { systemClock, type Logger } from "@genflow/core/ports";
import { defineTaskKind, taskKinds, type TasksConfig, type TasksDeps } from "@genflow/core/tasks";
import { createDb } from "@genflow/db";
import { z } from "zod";

import { NOOP_KIND } from "./protocol";

/** Warnings and errors as JSON lines on stderr (the runner shows the tail when a child fails). */
export function stderrLogger(bindings: Record<string, unknown> = {}): Logger {
  const write =
    (level: string) =>
    (first: Record<string, unknown> | string, message?: string): void => {
      const fields: Record<string, unknown> =
        typeof first === "string" ? { msg: first } : { ...first, msg: message };
      const err = fields.err instanceof Error ? { err: fields.err.message } : {};
      process.stderr.write(`${JSON.stringify({ level, ...bindings, ...fields, ...err })}\n`);
    };
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    warn: write("warn"),
    error: write("error"),
    child: (more) => stderrLogger({ ...bindings, ...more }),
  };
}

/** The no-op kind: records the id of every task it is invoked for and returns `{}` at once. */
export function noopKind(concurrency: number, invocations: string[]) {
  return defineTaskKind({
    name: NOOP_KIND,
    input: z.object({}),
    concurrency,
    // One attempt: a failure shows as a failed task instead of hiding behind a retry.
    maxAttempts: 1,
    timeoutMs: 30_000,
    backoff: { baseMs: 1_000, maxMs: 1_000 },
    run: ({ task }) => {
      invocations.push(task.id);
      return Promise.resolve({});
    },
  });
}

export interface GenflowHostOptions {
  databaseUrl: string;
  /** Redis for pub/sub (with `keyPrefix`); undefined: in-memory pub/sub. */
  redis: { url: string; keyPrefix: string } | undefined;
  /** Attempts of the no-op kind run at once by this process. */
  concurrency: number;
  workerId: string;
}

export interface GenflowHost {
  /** `deps.tasks.queue` does nothing until the caller sets its runner's queue there. */
  deps: TasksDeps;
  /** Task ids the no-op handler was invoked for in this process, in order, repeats included. */
  invocations: string[];
  close(): Promise<void>;
}

export async function buildGenflowHost(options: GenflowHostOptions): Promise<GenflowHost> {
  const log = stderrLogger({ workerId: options.workerId });
  const db = await createDb({ databaseUrl: options.databaseUrl });
  const adapters = options.redis
    ? await createRedisAdapters({
        url: options.redis.url,
        keyPrefix: options.redis.keyPrefix,
        policies: {},
        log,
      })
    : createMemoryAdapters({ policies: {}, log });
  const invocations: string[] = [];
  const tasks: TasksConfig = {
    kinds: taskKinds([noopKind(options.concurrency, invocations)]),
    // The no-op kind stores nothing; the folder is never created.
    storage: new DiskBlobStorage(path.join(tmpdir(), "genflow-bench-tasks-unused")),
    queue: { enqueue: () => Promise.resolve() },
  };
  const deps: TasksDeps = {
    db: db.db,
    cache: adapters.cache,
    rateLimiter: adapters.rateLimiter,
    pubsub: adapters.pubsub,
    log,
    clock: systemClock,
    tasks,
  };
  return {
    deps,
    invocations,
    async close() {
      await adapters.close();
      await db.close();
    },
  };
}
