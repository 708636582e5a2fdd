import { randomUUID } from "node:crypto";

import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { formatConsole } from "../bench/tasks/format";
import { recordProducer } from "../bench/tasks/record";
import { buildReport } from "../bench/tasks/report";
import type { ContenderRun } from "../bench/tasks/run-contender";

/** `pnpm bench:tasks`' `record` contender: the record it writes, and what the report makes of it. */

function run(partial: Partial<ContenderRun> & Pick<ContenderRun, "contender">): ContenderRun {
  return {
    round: 1,
    tasks: 1000,
    startedAt: 0,
    enqueueMs: 100,
    wallMs: 1000,
    latenciesMs: [1, 2, 3],
    cpu: { producer: 300, workers: 200, postgres: 400, redis: 100 },
    pgTransactionsPerTask: null,
    lost: 0,
    duplicated: 0,
    failed: 0,
    perWorker: [1000],
    problems: [],
    ...partial,
  };
}

describe("bench:tasks report: the record alone", () => {
  const input = {
    date: "2026-12-05T00:00:00Z",
    machine: { cpus: 2, cpuModel: "test", node: "v20", platform: "linux x64" },
    params: {
      tasks: 1000,
      warmup: 0,
      concurrency: 8,
      creators: 8,
      bareBulk: false,
      users: 1,
      rounds: 1,
    },
    services: { postgres: null, redis: null },
    load: { start: 0, end: 0 },
    failures: [],
  };

  it("compares the record with bare BullMQ and says what the goal leaves a runner", () => {
    const report = buildReport(input, [
      // 0.4 ms and 0.6 CPU ms per task.
      run({
        contender: "bare-1",
        wallMs: 400,
        cpu: { producer: 200, workers: 300, postgres: 0, redis: 100 },
      }),
      // 0.5 ms and 0.5 CPU ms per task.
      run({
        contender: "record",
        wallMs: 500,
        cpu: { producer: 200, workers: 0, postgres: 300, redis: 0 },
      }),
      // 2.5 CPU ms per task.
      run({
        contender: "genflow-1",
        wallMs: 2000,
        cpu: { producer: 500, workers: 1000, postgres: 800, redis: 200 },
      }),
    ]);
    expect(report.record?.timeRatio).toBeCloseTo(1.25);
    expect(report.record?.cpuRatio).toBeCloseTo(0.5 / 0.6);
    // 2 cores × 2 × 0.4 ms.
    expect(report.record?.budgetCpuMs).toBeCloseTo(1.6);
    expect(report.record?.headroomCpuMs).toBeCloseTo(1.6 - 0.6 - 0.5);
    const text = formatConsole(report);
    expect(text).toContain(
      "task record alone (Postgres, no runner) vs bare BullMQ, 1 worker: 1.25×",
    );
    expect(text).toContain("a task may use at most 1.60 CPU ms (2 cores × 2 × 0.40 ms)");
    expect(text).toContain("leave 0.50 for everything else a runner does");
    expect(text).toContain("GenFlow's BullMQ runner with 1 worker used 2.50 in all");
  });

  it("says nothing of the record when it or bare BullMQ did not run", () => {
    const report = buildReport(input, [run({ contender: "record" })]);
    expect(report.record).toBeNull();
    expect(formatConsole(report)).not.toContain("a task may use at most");
  });
});

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(!databaseUrl)("bench:tasks record contender (Postgres)", () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  const owners = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    database = await createTestDatabase(databaseUrl);
    sql = postgres(database.url ?? "", { max: 1, onnotice: () => undefined });
    for (const id of owners) {
      await sql`insert into "user" (id, name, email) values (${id}, 'Bench', ${`${id}@bench.invalid`})`;
    }
  });

  afterAll(async () => {
    await sql?.end();
    await database?.destroy();
  });

  it("writes each task's row and its created, started and succeeded events, as GenFlow does", async () => {
    const producer = recordProducer({
      databaseUrl: database.url ?? "",
      userIds: owners,
      creators: 4,
      concurrency: 3,
    });
    let ids: string[];
    try {
      ({ ids } = await producer.produce(40));
      await expect
        .poll(
          async () =>
            (
              await sql<
                { n: number }[]
              >`select count(*)::int as n from tasks where status = 'succeeded'`
            )[0]?.n,
          { timeout: 10_000 },
        )
        .toBe(40);
      expect(producer.invocations().sort()).toEqual([...ids].sort());
    } finally {
      await producer.close();
    }

    const tasks = await sql<
      { id: string; user_id: string; attempts: number; last_seq: number; progress: number }[]
    >`select id, user_id, attempts, last_seq, progress from tasks
      where started_at is not null and finished_at >= started_at and started_at >= created_at`;
    expect(tasks.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(new Set(tasks.map((t) => t.user_id))).toEqual(new Set(owners));
    for (const task of tasks)
      expect(task).toMatchObject({ attempts: 1, last_seq: 3, progress: 100 });

    // Each task's events in order; each owner's ids increase in the order they were appended.
    const events = await sql<
      { id: string; task_id: string; user_id: string; seq: number; type: string }[]
    >`
      select id, task_id, user_id, seq, type from task_events order by id`;
    expect(events).toHaveLength(120);
    const byTask = new Map<string, string[]>();
    for (const event of events) {
      byTask.set(event.task_id, [
        ...(byTask.get(event.task_id) ?? []),
        `${event.seq}:${event.type}`,
      ]);
    }
    for (const id of ids) expect(byTask.get(id)).toEqual(["1:created", "2:started", "3:succeeded"]);
    const streams = await sql<{ user_id: string; last_event_id: string }[]>`
      select user_id, last_event_id from task_streams`;
    for (const owner of owners) {
      const last = events.filter((e) => e.user_id === owner).at(-1);
      expect(streams.find((s) => s.user_id === owner)?.last_event_id).toBe(last?.id);
    }
  });
});
