import { schema, type DbOrTx } from "@genflow/db";
import { and, asc, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";

import type { CoreDeps } from "../context";
import {
  type Task,
  type TaskEvent,
  type TaskEventType,
  type TaskUpdate,
  taskUpdatesChannel,
} from "./schemas";

type TaskRow = typeof schema.tasks.$inferSelect;
type TaskEventRow = typeof schema.taskEvents.$inferSelect;
type TaskSet = Omit<PgUpdateSetSource<typeof schema.tasks>, "id" | "userId" | "lastSeq">;

/** Namespace of the advisory locks that order one user's task event appends. */
const APPEND_LOCK_NAMESPACE = 0x74_61_73; // "tas"

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    progress: row.progress,
    progressMessage: row.progressMessage,
    input: row.input,
    output: row.output,
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? "" },
    idempotencyKey: row.idempotencyKey,
    canceledBy: row.canceledBy,
    cancelRequested: row.cancelRequestedAt !== null,
    workerId: row.workerId,
    runAfter: row.runAfter,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    heartbeatAt: row.heartbeatAt,
    finishedAt: row.finishedAt,
    lastSeq: row.lastSeq,
  };
}

export function toTaskEvent(row: TaskEventRow): TaskEvent {
  return {
    id: row.id,
    taskId: row.taskId,
    seq: row.seq,
    type: row.type as TaskEventType,
    data: row.data,
    createdAt: row.createdAt,
  };
}

export interface TaskChange {
  type: TaskEventType;
  data?: Record<string, unknown>;
}

interface Appended {
  task: Task;
  event: TaskEvent;
  prevId: number | null;
}

async function lockUser(tx: DbOrTx, userId: string): Promise<number | null> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${APPEND_LOCK_NAMESPACE}::int4, hashtext(${userId}))`,
  );
  const t = schema.taskEvents;
  const [previous] = await tx
    .select({ id: t.id })
    .from(t)
    .where(eq(t.userId, userId))
    .orderBy(desc(t.id))
    .limit(1);
  return previous?.id ?? null;
}

async function insertEvent(tx: DbOrTx, row: TaskRow, change: TaskChange): Promise<TaskEvent> {
  const [event] = await tx
    .insert(schema.taskEvents)
    .values({
      taskId: row.id,
      userId: row.userId,
      seq: row.lastSeq,
      type: change.type,
      data: change.data ?? {},
    })
    .returning();
  if (!event) throw new Error("task event insert returned no row");
  return toTaskEvent(event);
}

async function publish(deps: Pick<CoreDeps, "pubsub">, userId: string, appended: Appended) {
  const { task, event, prevId } = appended;
  await deps.pubsub.publish(taskUpdatesChannel(userId), { ...event, task, prevId });
}

/** Inserts a task with its `created` event and announces it. */
export async function insertTask(
  deps: Pick<CoreDeps, "db" | "pubsub">,
  values: typeof schema.tasks.$inferInsert,
): Promise<Task> {
  const appended = await deps.db.transaction(async (tx) => {
    const prevId = await lockUser(tx, values.userId);
    const [row] = await tx
      .insert(schema.tasks)
      .values({ ...values, lastSeq: 1 })
      .returning();
    if (!row) throw new Error("task insert returned no row");
    const event = await insertEvent(tx, row, { type: "created", data: { kind: row.kind } });
    return { task: toTask(row), event, prevId };
  });
  await publish(deps, values.userId, appended);
  return appended.task;
}

/**
 * Changes a task and logs the change as one event, atomically: the update applies only when
 * `guard` holds (e.g. "still queued"), and returns null otherwise. Subscribers hear about it once
 * it is committed.
 */
export async function changeTask(
  deps: Pick<CoreDeps, "db" | "pubsub">,
  target: { id: string; userId: string },
  guard: SQL | undefined,
  set: TaskSet,
  change: TaskChange,
): Promise<Task | null> {
  const t = schema.tasks;
  const appended = await deps.db.transaction(async (tx) => {
    const prevId = await lockUser(tx, target.userId);
    const [row] = await tx
      .update(t)
      .set({ ...set, lastSeq: sql`${t.lastSeq} + 1` })
      .where(and(eq(t.id, target.id), guard))
      .returning();
    if (!row) return null;
    const event = await insertEvent(tx, row, change);
    return { task: toTask(row), event, prevId };
  });
  if (!appended) return null;
  await publish(deps, target.userId, appended);
  return appended.task;
}

/** One task of one owner, or undefined. */
export async function findTask(db: DbOrTx, id: string, userId?: string): Promise<Task | undefined> {
  const t = schema.tasks;
  const [row] = await db
    .select()
    .from(t)
    .where(and(eq(t.id, id), userId === undefined ? undefined : eq(t.userId, userId)))
    .limit(1);
  return row ? toTask(row) : undefined;
}

/** The owner of a task (for runners, which get task ids only). */
export async function findTaskRow(db: DbOrTx, id: string): Promise<TaskRow | undefined> {
  const [row] = await db.select().from(schema.tasks).where(eq(schema.tasks.id, id)).limit(1);
  return row;
}

/** A user's task events after `afterId` (optionally of one task), oldest first, with each task's current state. */
export async function readTaskUpdates(
  db: DbOrTx,
  params: { userId: string; taskId?: string | undefined; afterId: number; limit: number },
): Promise<TaskUpdate[]> {
  const e = schema.taskEvents;
  const t = schema.tasks;
  const rows = await db
    .select({ event: e, task: t })
    .from(e)
    .leftJoin(t, eq(t.id, e.taskId))
    .where(
      and(
        eq(e.userId, params.userId),
        gt(e.id, params.afterId),
        params.taskId === undefined ? undefined : eq(e.taskId, params.taskId),
      ),
    )
    .orderBy(asc(e.id))
    .limit(params.limit);
  return rows.map(({ event, task }) => ({
    ...toTaskEvent(event),
    task: task ? toTask(task) : null,
  }));
}

/** The id of the user's newest task event (optionally of one task), or 0. */
export async function latestTaskEventId(
  db: DbOrTx,
  userId: string,
  taskId?: string,
): Promise<number> {
  const e = schema.taskEvents;
  const [row] = await db
    .select({ id: e.id })
    .from(e)
    .where(and(eq(e.userId, userId), taskId === undefined ? undefined : eq(e.taskId, taskId)))
    .orderBy(desc(e.id))
    .limit(1);
  return row?.id ?? 0;
}
