import { randomUUID } from "node:crypto";

import { executePrepared, schema, type BuiltQuery, type DbOrTx } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import type { Logger } from "../src/ports";
import { streamTaskUpdates, taskUpdatesChannel, type TaskUpdate } from "../src/tasks";
import { claimNextTask, pickStatement } from "../src/tasks/runner/pick";
import { changeTask, claimPicked, finishTask, insertTask, queueTask } from "../src/tasks/store";

/**
 * The task log's write path on its own (no runner): appends racing for one owner, and claims
 * racing for one queue. On PGlite (one connection) the races run one statement at a time; on
 * Postgres (DATABASE_URL) they are real.
 */
let database: TestDatabase;
const pubsub = new MemoryPubSub();
const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};
const deps = () => ({
  db: database.db,
  pubsub,
  log: quietLog,
  clock: { now: () => new Date() },
});

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL);
});

afterAll(async () => {
  await database.destroy();
});

async function newUser(): Promise<string> {
  const id = randomUUID();
  await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
  return id;
}

/**
 * Queues tasks runnable from now by the clock claims read, as `createTask` does: left to the
 * database's `now()` (microseconds), a task inserted in the millisecond a claim then reads from a
 * `Date` would not be runnable yet for that claim.
 */
async function queue(userId: string, kind: string, count: number) {
  const runAfter = new Date();
  return Promise.all(
    Array.from({ length: count }, () =>
      insertTask(deps(), { id: randomUUID(), userId, kind, maxAttempts: 1, input: {}, runAfter }),
    ),
  );
}

describe("task log appends", () => {
  it("gives one owner's racing appends increasing ids, each naming the one before", async () => {
    const userId = await newUser();
    const other = await newUser();
    const messages: { id: number; prevId: number | null; taskId: string }[] = [];
    const unsubscribe = await pubsub.subscribe(taskUpdatesChannel(userId), (message) => {
      messages.push(message as (typeof messages)[number]);
    });
    const tasks = await queue(userId, "test.manual", 20);
    await queue(other, "test.manual", 5); // another owner's log in between changes nothing here
    const t = schema.tasks;
    await Promise.all(
      tasks.map((task, n) =>
        changeTask(
          deps(),
          { id: task.id, userId },
          eq(t.status, "queued"),
          { progress: n },
          { type: "progress", data: { progress: n } },
        ),
      ),
    );
    await unsubscribe();

    const events = await database.db
      .select()
      .from(schema.taskEvents)
      .where(eq(schema.taskEvents.userId, userId))
      .orderBy(asc(schema.taskEvents.id));
    expect(events).toHaveLength(40);
    // In id order, every append names the one before it: nothing in this log was committed out of
    // order, so a watcher resuming after any id misses nothing.
    const byId = [...messages].sort((a, b) => a.id - b.id);
    expect(byId.map((m) => m.id)).toEqual(events.map((e) => e.id));
    byId.forEach((message, n) => {
      expect(message.prevId).toBe(n === 0 ? null : byId[n - 1]?.id);
    });
    const [stream] = await database.db
      .select()
      .from(schema.taskStreams)
      .where(eq(schema.taskStreams.userId, userId));
    expect(stream?.lastEventId).toBe(events.at(-1)?.id);
    // Each task's own log counts from 1.
    const first = events.filter((e) => e.taskId === tasks[0]?.id).map((e) => [e.seq, e.type]);
    expect(first).toEqual([
      [1, "created"],
      [2, "progress"],
    ]);
  });

  it("changes nothing and logs nothing when the guard does not hold", async () => {
    const userId = await newUser();
    const [task] = await queue(userId, "test.manual", 1);
    const t = schema.tasks;
    const changed = await changeTask(
      deps(),
      { id: task?.id ?? "", userId },
      eq(t.status, "running"),
      { progress: 50 },
      { type: "progress", data: { progress: 50 } },
    );
    expect(changed).toBeNull();
    // Nor for another owner's task.
    const stranger = await changeTask(
      deps(),
      { id: task?.id ?? "", userId: await newUser() },
      undefined,
      { progress: 50 },
      { type: "progress" },
    );
    expect(stranger).toBeNull();
    const events = await database.db
      .select()
      .from(schema.taskEvents)
      .where(eq(schema.taskEvents.taskId, task?.id ?? ""));
    expect(events.map((e) => e.type)).toEqual(["created"]);
  });
});

describe("claims", () => {
  it("gives racing claims distinct tasks, oldest first, until none is left", async () => {
    const userId = await newUser();
    const kind = `test.claim-${randomUUID()}`;
    const tasks = await queue(userId, kind, 8);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, n) => claimNextTask(deps(), [kind], `worker-${n}`)),
    );
    const claimed = claims.filter((c) => c !== null);
    expect(claimed).toHaveLength(8);
    expect(new Set(claimed.map((c) => c.task.id))).toEqual(new Set(tasks.map((t) => t.id)));
    for (const claim of claimed) {
      expect(claim).toMatchObject({ userId, task: { status: "running", attempts: 1 } });
    }
    const rows = await database.db
      .select({ status: schema.tasks.status, workerId: schema.tasks.workerId })
      .from(schema.tasks)
      .where(and(eq(schema.tasks.userId, userId), eq(schema.tasks.kind, kind)));
    expect(rows.every((r) => r.status === "running" && r.workerId !== null)).toBe(true);
    const started = await database.db
      .select({ data: schema.taskEvents.data })
      .from(schema.taskEvents)
      .where(and(eq(schema.taskEvents.userId, userId), eq(schema.taskEvents.type, "started")));
    expect(started).toHaveLength(8);
    expect(started[0]?.data).toMatchObject({ attempt: 1 });
    expect(typeof started[0]?.data["workerId"]).toBe("string");
    expect(await claimNextTask(deps(), [kind], "late")).toBeNull();
  });

  it("reads a long queue through its indexes, never the whole table, to pick one task", async () => {
    const owners = [await newUser(), await newUser(), await newUser()];
    const kind = `test.long-${randomUUID()}`;
    for (const userId of owners) {
      await database.db.execute(sql`
        insert into tasks (id, user_id, kind, max_attempts, input, last_seq)
        select gen_random_uuid()::text, ${userId}, ${kind}, 1, '{}'::jsonb, 1
        from generate_series(1, 1500)`);
    }
    await database.db.execute(sql`analyze tasks`);
    const pick = pickStatement([kind], new Date());
    const [row] = await executePrepared<Record<string, unknown>>(database.db, "test.explain-pick", {
      sql: `explain (format json) with recursive ${pick.sql} select id from picked`,
      params: pick.params,
    });
    const nodes = planNodes(row?.["QUERY PLAN"]);
    expect(nodes.some((node) => node["Relation Name"] === "tasks")).toBe(true);
    expect(
      nodes.filter((node) => node["Node Type"] === "Seq Scan" && node["Relation Name"] === "tasks"),
    ).toEqual([]);
    // The statement still claims: the oldest task of one of the owners.
    const claimed = await claimNextTask(deps(), [kind], "w");
    expect(owners).toContain(claimed?.userId);
    expect(claimed?.task).toMatchObject({ kind, status: "running", attempts: 1 });
    await database.db.delete(schema.tasks).where(eq(schema.tasks.kind, kind));
  });

  it("reads a few of the queue to claim, even with statistics from before a burst of tasks", async () => {
    // A table with a history, analyzed while its queue was short (autovacuum does not analyze a
    // large table again for a burst of new tasks): the planner thinks hardly anything is queued.
    // In a database of its own, so that what other tests left behind cannot change the plan.
    const own = await createTestDatabase(process.env.DATABASE_URL);
    onTestFinished(() => own.destroy());
    const db = own.db;
    const userId = randomUUID();
    await db
      .insert(schema.user)
      .values({ id: userId, name: "Ada", email: `${userId}@example.com` });
    const kind = `test.burst-${randomUUID()}`;
    const insert = (count: number, status: string) =>
      db.execute(sql`
        insert into tasks (id, user_id, kind, status, max_attempts, input, last_seq, finished_at)
        select gen_random_uuid()::text, ${userId}, ${kind}, ${status}, 1, '{}'::jsonb, 1,
          case when ${status} = 'queued' then null else now() end
        from generate_series(1, ${count})`);
    await insert(20_000, "succeeded");
    await insert(3, "queued");
    await db.execute(sql`analyze tasks`);
    await insert(5_000, "queued");

    // The whole claim statement (pick, lock, update, events), as the runner sends it.
    let claim: BuiltQuery | undefined;
    const capture = {
      ...db,
      dialect: (db as unknown as { dialect: unknown }).dialect,
      session: {
        prepareQuery: (query: BuiltQuery) => ({
          execute: () => {
            claim = query;
            return Promise.resolve([]);
          },
        }),
      },
    } as unknown as DbOrTx;
    const at = new Date();
    await claimPicked(capture, pickStatement([kind], at, 4), "w", at);
    if (!claim) throw new Error("the claim statement was not built");
    const plan = await explainAnalyzed(db, "test.explain-claim", claim);
    // It reads the owner's first candidates in order, and finds the rows it locks (`t`) and
    // updates by primary key: never the queue of 5,000.
    const nodes = planNodes(plan);
    const read = rowsRead(nodes.filter((node) => node["Node Type"] !== "ModifyTable"));
    expect(read).toBeGreaterThan(4);
    expect(read).toBeLessThan(100);
    const update = nodes.find(
      (node) => node["Node Type"] === "ModifyTable" && node["Relation Name"] === "tasks",
    );
    if (!update) throw new Error("the claim updates no tasks");
    const byId = [
      ...nodes.filter((node) => node.Alias === "t"),
      ...planNodes(update.Plans).filter((node) => node["Relation Name"] === "tasks"),
    ];
    expect(byId).toHaveLength(2);
    for (const node of byId) {
      expect(node["Index Name"]).toBe("tasks_pkey");
      expect((node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1)).toBeLessThanOrEqual(8);
    }

    const claimed = await claimNextTask({ ...deps(), db }, [kind], "w");
    expect(claimed?.task).toMatchObject({ kind, status: "running", attempts: 1 });
  });

  it("takes tasks backing off only once their time has come, and only of the kinds asked for", async () => {
    const userId = await newUser();
    const kind = `test.later-${randomUUID()}`;
    const [task] = await queue(userId, kind, 1);
    await database.db
      .update(schema.tasks)
      .set({ runAfter: new Date(Date.now() + 60_000) })
      .where(eq(schema.tasks.id, task?.id ?? ""));
    expect(await claimNextTask(deps(), [kind], "w")).toBeNull();
    expect(await claimNextTask(deps(), ["test.other-kind"], "w")).toBeNull();
    const later = { ...deps(), clock: { now: () => new Date(Date.now() + 61_000) } };
    expect((await claimNextTask(later, ["test.other-kind", kind], "w"))?.task.id).toBe(task?.id);
  });
});

describe("fair turns", () => {
  /** Claims one task at a time and finishes it before the next, as a kind that runs one at a time. */
  async function claimOneAtATime(kind: string, claims: number): Promise<string[]> {
    const owners: string[] = [];
    for (let n = 0; n < claims; n += 1) {
      const claimed = await claimNextTask(deps(), [kind], "one-slot");
      if (!claimed) throw new Error(`claim ${n + 1} found nothing`);
      owners.push(claimed.userId);
      await database.db
        .update(schema.tasks)
        .set({ status: "succeeded", finishedAt: new Date() })
        .where(eq(schema.tasks.id, claimed.task.id));
    }
    return owners;
  }

  it("gives each owner a turn when tasks run one at a time, whoever queued first", async () => {
    const kind = `test.turns-${randomUUID()}`;
    const heavy = await newUser();
    await queue(heavy, kind, 6);
    const light = [await newUser(), await newUser()];
    for (const userId of light) await queue(userId, kind, 1);
    // The heavy owner's tasks are older, and no owner has a task running when a slot frees: the
    // owners take turns instead of the oldest task going first.
    const owners = await claimOneAtATime(kind, 8);
    expect(new Set(owners.slice(0, 3))).toEqual(new Set([heavy, ...light]));
    expect(owners.slice(3)).toEqual(Array.from({ length: 5 }, () => heavy));
  });

  it("goes round all the owners in turn, however many have tasks queued", async () => {
    const kind = `test.round-${randomUUID()}`;
    const owners = await Promise.all(Array.from({ length: 40 }, () => newUser()));
    for (const userId of owners) await queue(userId, kind, 2);
    // More owners than a pick looks at: still every owner once before any owner twice.
    const claimed = await claimOneAtATime(kind, 80);
    expect(new Set(claimed.slice(0, 40))).toEqual(new Set(owners));
    expect(new Set(claimed.slice(40))).toEqual(new Set(owners));
  });

  it("reads a few rows to pick among many owners with queued tasks", async () => {
    const kind = `test.owners-${randomUUID()}`;
    const owners = Array.from({ length: 300 }, () => randomUUID());
    await database.db
      .insert(schema.user)
      .values(owners.map((id) => ({ id, name: "Ada", email: `${id}@example.com` })));
    await database.db.execute(sql`
      insert into tasks (id, user_id, kind, max_attempts, input, last_seq)
      select gen_random_uuid()::text, o.id, ${kind}, 1, '{}'::jsonb, 1
      from unnest(${sql.raw(`array[${owners.map((id) => `'${id}'`).join(", ")}]::text[]`)}) as o(id)
      cross join generate_series(1, 3)`);
    await database.db.execute(sql`analyze tasks`);
    const pick = pickStatement([kind], new Date(), 4);
    const plan = await explainAnalyzed(database.db, "test.explain-owners", {
      sql: `with recursive ${pick.sql} select id from picked`,
      params: pick.params,
    });
    const read = rowsRead(planNodes(plan));
    // 300 owners with 3 tasks each: a pick looks at 32 of them, not at all 900 tasks.
    expect(read).toBeGreaterThan(32);
    expect(read).toBeLessThan(300);
    const claimed = await claimNextTask(deps(), [kind], "w");
    expect(owners).toContain(claimed?.userId);
    await database.db.delete(schema.tasks).where(eq(schema.tasks.kind, kind));
  });
});

describe("group commit", () => {
  const newTask = (userId: string, kind: string, idempotencyKey: string | null = null) => ({
    id: randomUUID(),
    userId,
    kind,
    priority: 0,
    maxAttempts: 1,
    input: { n: 1 },
    idempotencyKey,
    runAfter: new Date(),
    createdAt: new Date(),
  });

  /** How many transactions wrote these tasks' current rows. */
  async function writers(ids: string[]): Promise<number> {
    const [row] = await executePrepared<{ n: number | string }>(
      database.db,
      "test.writers",
      sql`select count(distinct xmin::text) as n from tasks where id = any(${sql.raw(
        `array[${ids.map((id) => `'${id}'`).join(", ")}]::text[]`,
      )})`,
    );
    return Number(row?.n);
  }

  it("writes creates made at once in one statement, their events numbered in order", async () => {
    const userId = await newUser();
    const kind = `test.group-${randomUUID()}`;
    const messages: { id: number; prevId: number | null; type: string }[] = [];
    let published = 0;
    const unsubscribe = await pubsub.subscribe(taskUpdatesChannel(userId), (message) => {
      published += 1;
      messages.push(...([message].flat() as typeof messages));
    });
    const [before] = await queue(userId, kind, 1);
    const tasks = await Promise.all(
      Array.from({ length: 12 }, () => queueTask(deps(), newTask(userId, kind))),
    );
    await unsubscribe();
    const ids = tasks.map((task) => task?.id ?? "");
    expect(tasks.every((task) => task?.status === "queued")).toBe(true);
    expect(await writers(ids)).toBe(1);
    // …and announced in one message (after the one of the task created before them).
    expect(published).toBe(2);

    const events = await database.db
      .select()
      .from(schema.taskEvents)
      .where(eq(schema.taskEvents.userId, userId))
      .orderBy(asc(schema.taskEvents.id));
    expect(events.map((e) => e.type)).toEqual(Array(13).fill("created"));
    expect(events[0]?.taskId).toBe(before?.id);
    // Each announcement names the event before it in the owner's log, across the statement's
    // own events too, so a watcher sees no gap; the owner's log ends at the last of them.
    const byId = [...messages].sort((a, b) => a.id - b.id);
    expect(byId.map((m) => m.id)).toEqual(events.map((e) => e.id));
    byId.forEach((message, n) => {
      expect(message.prevId).toBe(n === 0 ? null : byId[n - 1]?.id);
    });
    const [stream] = await database.db
      .select()
      .from(schema.taskStreams)
      .where(eq(schema.taskStreams.userId, userId));
    expect(stream?.lastEventId).toBe(events.at(-1)?.id);
  });

  it("delivers the updates of creates written together to watchers, each once and in order", async () => {
    const userId = await newUser();
    const kind = `test.group-${randomUUID()}`;
    const controller = new AbortController();
    const stream = await streamTaskUpdates(
      { ...deps(), log: quietLog },
      { userId, input: { lastEventId: 0 }, signal: controller.signal },
    );
    const seen: TaskUpdate[] = [];
    let onUpdate = () => undefined as void;
    const reading = (async () => {
      for await (const update of stream) {
        seen.push(update);
        onUpdate();
        if (seen.length === 7) break;
      }
    })();
    const count = (n: number) =>
      new Promise<void>((resolve) => {
        onUpdate = () => seen.length >= n && resolve();
        onUpdate();
      });
    // The first task is seen once the watcher is subscribed (it may come from the log)…
    const [first] = await queue(userId, kind, 1);
    await count(1);
    // …the next six only live: they share one statement, so one message, and nothing is written
    // for this owner after it that would make the watcher read the log.
    const tasks = await Promise.all(
      Array.from({ length: 6 }, () => queueTask(deps(), newTask(userId, kind))),
    );
    const timeout = setTimeout(() => controller.abort(), 5_000);
    await reading;
    clearTimeout(timeout);
    controller.abort();
    expect(seen.map((u) => u.taskId)).toEqual(
      expect.arrayContaining([first?.id, ...tasks.map((t) => t?.id)]),
    );
    expect(seen).toHaveLength(7);
    const ids = seen.map((u) => u.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("still writes the others when one create of a statement cannot be written", async () => {
    const userId = await newUser();
    const kind = `test.group-${randomUUID()}`;
    const results = await Promise.allSettled([
      queueTask(deps(), newTask(userId, kind)),
      queueTask(deps(), newTask(`missing-${randomUUID()}`, kind)), // no such owner
      queueTask(deps(), newTask(userId, kind)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const rows = await database.db.select().from(schema.tasks).where(eq(schema.tasks.kind, kind));
    expect(rows).toHaveLength(2);
  });

  it("writes one task for creates with one idempotency key in one statement", async () => {
    const userId = await newUser();
    const kind = `test.group-${randomUUID()}`;
    const [first, second] = await Promise.all([
      queueTask(deps(), newTask(userId, kind, "same")),
      queueTask(deps(), newTask(userId, kind, "same")),
    ]);
    expect([first, second].filter((task) => task !== null)).toHaveLength(1);
    const rows = await database.db.select().from(schema.tasks).where(eq(schema.tasks.kind, kind));
    expect(rows).toHaveLength(1);
  });

  it("claims for one worker's free slots, and their finishes, in one statement each", async () => {
    const userId = await newUser();
    const kind = `test.group-${randomUUID()}`;
    const tasks = await queue(userId, kind, 6);
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimNextTask(deps(), [kind], "worker-a")),
    );
    const claimed = claims.filter((claim) => claim !== null);
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed.map((c) => c.task.id))).toEqual(new Set(tasks.map((t) => t.id)));
    expect(await writers(tasks.map((task) => task.id))).toBe(1);

    const finished = await Promise.all(
      claimed.map((claim, n) =>
        finishTask(deps(), {
          id: claim.task.id,
          userId,
          // The last one is not this worker's to finish.
          workerId: n === claimed.length - 1 ? "worker-b" : "worker-a",
          output: { n },
          finishedAt: new Date(),
        }),
      ),
    );
    expect(finished.slice(0, -1).map((task) => task?.status)).toEqual(Array(5).fill("succeeded"));
    expect(finished.slice(0, -1).map((task) => task?.output)).toEqual(
      [0, 1, 2, 3, 4].map((n) => ({ n })),
    );
    expect(finished.at(-1)).toBeNull();
    expect(await writers(claimed.slice(0, -1).map((claim) => claim.task.id))).toBe(1);
    const events = await database.db
      .select({ type: schema.taskEvents.type })
      .from(schema.taskEvents)
      .where(eq(schema.taskEvents.userId, userId));
    expect(events.filter((e) => e.type === "started")).toHaveLength(6);
    expect(events.filter((e) => e.type === "succeeded")).toHaveLength(5);
  });
});

describe.runIf(process.env.DATABASE_URL)("group commit across owners (Postgres)", () => {
  it("locks the owners' logs of one statement in one order, so statements never deadlock", async () => {
    // Two statements that lock the same owners' rows in different orders can deadlock (Postgres
    // then aborts one). Every statement takes them in owner id order: one that waits for the
    // first owner holds none of the others.
    // Fixed ids (each test database is new): Postgres' hashing would put other owners before the
    // first one, were the order left to it.
    const owners = Array.from({ length: 8 }, (_, n) => `owner-${n}-c`);
    for (const id of owners) {
      await database.db.insert(schema.user).values({ id, name: "Ada", email: `${id}@example.com` });
    }
    const kind = `test.owners-${randomUUID()}`;
    for (const userId of owners) await queue(userId, kind, 1); // each owner's log has its row
    const newTask = (userId: string) => ({
      id: randomUUID(),
      userId,
      kind,
      priority: 0,
      maxAttempts: 1,
      input: {},
      idempotencyKey: null,
      runAfter: new Date(),
      createdAt: new Date(),
    });
    const first = [...owners].sort()[0] ?? "";
    const others = owners.filter((id) => id !== first);
    let writing: Promise<unknown> | undefined;
    const lockedMeanwhile = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from task_streams where user_id = ${first} for update`);
      // One statement for all eight owners (made at once), held up by the first owner's row.
      writing = Promise.all([...owners].reverse().map((id) => queueTask(deps(), newTask(id))));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Which of the other owners' rows does it hold while it waits?
      const held: string[] = [];
      for (const id of others) {
        try {
          await tx.transaction((probe) =>
            probe.execute(sql`select 1 from task_streams where user_id = ${id} for update nowait`),
          );
        } catch {
          held.push(id);
        }
      }
      return held;
    });
    await writing;
    expect(lockedMeanwhile).toEqual([]);
    const rows = await database.db.select().from(schema.tasks).where(eq(schema.tasks.kind, kind));
    expect(rows).toHaveLength(16);
  });
});

interface PlanNode {
  "Node Type"?: string;
  "Relation Name"?: string;
  Alias?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
  "Actual Rows"?: number;
  "Actual Loops"?: number;
}

/** Every node of an `explain (format json)` plan. */
/**
 * The plan of `query` as it ran (`explain analyze`). Explained with ANALYZE a statement runs, and
 * locks or writes what it would, so it runs in a transaction that is rolled back.
 */
async function explainAnalyzed(db: DbOrTx, name: string, query: BuiltQuery): Promise<unknown> {
  const rolledBack = new Error("rolled back");
  let plan: unknown;
  await expect(
    db.transaction(async (tx) => {
      const [row] = await executePrepared<Record<string, unknown>>(tx, name, {
        sql: `explain (analyze, format json) ${query.sql}`,
        params: query.params,
      });
      plan = row?.["QUERY PLAN"];
      throw rolledBack;
    }),
  ).rejects.toBe(rolledBack);
  return plan;
}

/** The rows these plan nodes read from `tasks`, over all their loops. */
function rowsRead(nodes: PlanNode[]): number {
  return nodes
    .filter((node) => node["Relation Name"] === "tasks")
    .reduce((sum, node) => sum + (node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1), 0);
}

function planNodes(plan: unknown): PlanNode[] {
  const nodes: PlanNode[] = [];
  const walk = (node: unknown) => {
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) return node.forEach(walk);
    nodes.push(node);
    Object.values(node).forEach(walk);
  };
  walk(typeof plan === "string" ? JSON.parse(plan) : plan);
  return nodes;
}
