import { randomUUID } from "node:crypto";

import { executePrepared, schema } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MemoryPubSub } from "../src/adapters/memory";
import { taskUpdatesChannel } from "../src/tasks";
import { claimNextTask, pickStatement } from "../src/tasks/runner/pick";
import { changeTask, insertTask } from "../src/tasks/store";

/**
 * The task log's write path on its own (no runner): appends racing for one owner, and claims
 * racing for one queue. On PGlite (one connection) the races run one statement at a time; on
 * Postgres (DATABASE_URL) they are real.
 */
let database: TestDatabase;
const pubsub = new MemoryPubSub();
const deps = () => ({ db: database.db, pubsub, clock: { now: () => new Date() } });

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

async function queue(userId: string, kind: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, () =>
      insertTask(deps(), { id: randomUUID(), userId, kind, maxAttempts: 1, input: {} }),
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
    const plan = row?.["QUERY PLAN"];
    const nodes: { "Node Type"?: string; "Relation Name"?: string }[] = [];
    const walk = (node: unknown) => {
      if (typeof node !== "object" || node === null) return;
      if (Array.isArray(node)) return node.forEach(walk);
      nodes.push(node);
      Object.values(node).forEach(walk);
    };
    walk(typeof plan === "string" ? JSON.parse(plan) : plan);
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
