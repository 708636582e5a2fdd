// Following a contender's tasks from the runner: how many have completed (to know when a batch
// is drained), and afterwards each measured task's latency and fate. Bare BullMQ's come from its
// workers' records; GenFlow's from the database, the source of truth.
import { randomUUID } from "node:crypto";

import { createDb, schema } from "@genflow/db";
import { inArray, sql } from "drizzle-orm";

import type { Child } from "./child";
import type { BareCompletion, ChildMessage } from "./protocol";

type Report = Extract<ChildMessage, { type: "report" }>;

export interface Outcome {
  /** Enqueue → completion of each measured task that completed, in ms. */
  latenciesMs: number[];
  /** Date.now() of the last completion (NaN when none completed). */
  lastFinishedAt: number;
  /** Measured tasks that never completed. */
  lost: number;
  /** Measured tasks that finished in a status other than `succeeded` (GenFlow). */
  failed: number;
  /** Measured jobs completed more than once (bare BullMQ). */
  completedTwice: number;
}

export interface Tracker {
  /** Tasks (warm-up included) completed so far. */
  completed: () => Promise<number>;
  /** How often `completed` is worth asking. */
  pollMs: number;
  outcome(measured: readonly string[], reports: readonly Report[]): Promise<Outcome>;
  /** Statements this tracker has run on the database itself (to leave out of the count). */
  statements(): number;
  close(): Promise<void>;
}

const TERMINAL: readonly string[] = ["succeeded", "failed", "canceled", "interrupted"];

/** The latest of `times`; NaN when there is none. */
const latest = (times: number[]) =>
  times.length === 0 ? Number.NaN : times.reduce((a, b) => Math.max(a, b));

/** Bare BullMQ: completions counted by the workers, and their records of each job. */
export function bareTracker(workers: readonly Child[]): Tracker {
  const counts = workers.map(() => 0);
  workers.forEach((worker, i) => worker.onProgress((completed) => (counts[i] = completed)));
  return {
    completed: () => Promise.resolve(counts.reduce((a, b) => a + b, 0)),
    pollMs: 10,
    outcome(measured, reports) {
      const mine = new Set(measured);
      const byId = new Map<string, BareCompletion>();
      let completedTwice = 0;
      for (const completion of reports.flatMap((r) => r.completions)) {
        if (!mine.has(completion.id)) continue;
        if (byId.has(completion.id)) completedTwice += 1;
        else byId.set(completion.id, completion);
      }
      const done = [...byId.values()];
      return Promise.resolve({
        latenciesMs: done.map((c) => c.finishedOn - c.timestamp),
        lastFinishedAt: latest(done.map((c) => c.finishedOn)),
        lost: measured.length - done.length,
        failed: 0,
        completedTwice,
      });
    },
    statements: () => 0,
    close: () => Promise.resolve(),
  };
}

/** Ids per statement when reading tasks back, to keep parameter lists small. */
const PAGE = 1_000;

/**
 * GenFlow: creates `users` throwaway owners for the run's tasks, counts their finished tasks,
 * and reads each measured task's times and status back, over a client of its own.
 */
export async function genflowTracker(
  databaseUrl: string,
  users: number,
): Promise<{ tracker: Tracker; userIds: string[] }> {
  const handle = await createDb({ databaseUrl, maxConnections: 1 });
  const { db } = handle;
  const t = schema.tasks;
  let statements = 0;
  const userIds = Array.from({ length: users }, () => randomUUID());
  await db
    .insert(schema.user)
    .values(userIds.map((id) => ({ id, name: "Benchmark", email: `${id}@bench.invalid` })));
  statements += 1;
  const terminal = sql.join(
    TERMINAL.map((status) => sql`${status}`),
    sql`, `,
  );
  const tracker: Tracker = {
    completed: async () => {
      statements += 1;
      const [row] = await db
        .select({ done: sql<number>`count(*) filter (where ${t.status} in (${terminal}))::int` })
        .from(t)
        .where(inArray(t.userId, userIds));
      return row?.done ?? 0;
    },
    pollMs: 100,
    async outcome(measured) {
      const rows: { status: string; createdAt: Date; finishedAt: Date | null }[] = [];
      for (let i = 0; i < measured.length; i += PAGE) {
        statements += 1;
        rows.push(
          ...(await db
            .select({ status: t.status, createdAt: t.createdAt, finishedAt: t.finishedAt })
            .from(t)
            .where(inArray(t.id, measured.slice(i, i + PAGE)))),
        );
      }
      const finished = rows.filter(
        (row): row is typeof row & { finishedAt: Date } =>
          row.finishedAt !== null && TERMINAL.includes(row.status),
      );
      return {
        latenciesMs: finished.map((row) => row.finishedAt.getTime() - row.createdAt.getTime()),
        lastFinishedAt: latest(finished.map((row) => row.finishedAt.getTime())),
        lost: measured.length - finished.length,
        failed: finished.filter((row) => row.status !== "succeeded").length,
        completedTwice: 0,
      };
    },
    statements: () => statements,
    close: () => handle.close(),
  };
  return { tracker, userIds };
}
