import { buildQuery, executePrepared, schema, type BuiltQuery, type DbOrTx } from "@genflow/db";
import { and, asc, desc, eq, getTableColumns, gt, is, SQL, sql } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
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
  /** The event's data: a value, or SQL over the changed row (`changed.<column>`). */
  data?: Record<string, unknown> | SQL;
}

interface Appended {
  userId: string;
  task: Task;
  event: TaskEvent;
  prevId: number | null;
}

/** The `tasks` columns with their names in the database (the schema names them in snake_case). */
const TASK_COLUMNS = Object.entries(getTableColumns(schema.tasks)).map(
  ([key, column]) =>
    [key, column.keyAsName ? toSnakeCase(column.name) : column.name, column] as const,
);

/** A `tasks` row as `db.execute` returns it (column names, driver values) → the schema's row. */
function taskRowOf(raw: Record<string, unknown>): TaskRow {
  const row: Record<string, unknown> = {};
  for (const [key, name, column] of TASK_COLUMNS) {
    const value = raw[name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as TaskRow;
}

function jsonOf(value: unknown): Record<string, unknown> {
  return (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
}

/** Joins rendered statements into one, renumbering each one's `$n` placeholders after the last. */
class Statement {
  readonly params: unknown[] = [];

  /** Adds a rendered fragment's parameters and returns its text with their new numbers. */
  add(fragment: BuiltQuery): string {
    const offset = this.params.length;
    this.params.push(...fragment.params);
    if (offset === 0) return fragment.sql;
    return fragment.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  }

  /** Adds one parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/**
 * Runs `changed` (an insert into or update of `tasks` returning `*`, at most one row) and appends
 * one event for the row it changed, in a single statement, so the change and its event commit
 * together or not at all. The owner's `task_streams` row is locked by the upsert and gives the
 * event its id only once the lock is held (`nextval` in the conflict branch, evaluated on the
 * latest row version), so one user's event ids commit in increasing order while other users'
 * appends never wait. Returns null when `changed` changed nothing (its guard did not hold).
 *
 * This is the task queue's hot path: the statement is prepared, and its parts arrive rendered, so
 * that only the small dynamic parts go through drizzle. `before` holds CTEs `changed` may use.
 */
async function append(
  db: DbOrTx,
  changed: (statement: Statement) => string,
  change: TaskChange,
  before?: BuiltQuery,
): Promise<Appended | null> {
  const statement = new Statement();
  const beforeText = before ? `${statement.add(before)}, ` : "";
  const changedText = changed(statement);
  const type = statement.param(change.type);
  const data = change.data ?? {};
  const dataText = is(data, SQL)
    ? statement.add(buildQuery(db, data))
    : `${statement.param(JSON.stringify(data))}::jsonb`;
  const [raw] = await executePrepared<Record<string, unknown>>(db, "tasks.append", {
    sql: `with recursive ${beforeText}changed as (${changedText}),
    stream as (
      insert into task_streams as s (user_id, last_event_id)
      select user_id, nextval('task_events_id_seq') from changed
      on conflict (user_id) do update
        set prev_event_id = s.last_event_id, last_event_id = nextval('task_events_id_seq')
      returning user_id, last_event_id, prev_event_id
    ),
    event as (
      insert into task_events (id, task_id, user_id, seq, type, data)
      select stream.last_event_id, changed.id, changed.user_id, changed.last_seq, ${type}::text, ${dataText}
      from changed join stream on stream.user_id = changed.user_id
      returning id, seq, type, data, created_at
    )
    select changed.*, event.id as event_id, event.seq as event_seq, event.type as event_type,
      event.data as event_data, event.created_at as event_created_at,
      stream.prev_event_id as event_prev_id
    from changed, event, stream`,
    params: statement.params,
  });
  if (!raw) return null;
  const row = taskRowOf(raw);
  const prev = raw["event_prev_id"];
  return {
    userId: row.userId,
    task: toTask(row),
    event: {
      id: Number(raw["event_id"]),
      taskId: row.id,
      seq: Number(raw["event_seq"]),
      type: raw["event_type"] as TaskEventType,
      data: jsonOf(raw["event_data"]),
      createdAt: new Date(raw["event_created_at"] as string | Date),
    },
    prevId: prev === null || prev === undefined ? null : Number(prev),
  };
}

const TASK_COLUMN_BY_KEY = new Map(
  TASK_COLUMNS.map(([key, name, column]) => [key, { name, column }]),
);

/** `column = value` for each field of `set`, as parameters cast to the column's type. */
function assignments(db: DbOrTx, statement: Statement, set: Record<string, unknown>): string[] {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    const entry = TASK_COLUMN_BY_KEY.get(key);
    if (!entry) throw new Error(`tasks has no column ${key}`);
    parts.push(`${entry.name} = ${valueText(db, statement, entry.column, value)}`);
  }
  return parts;
}

function valueText(
  db: DbOrTx,
  statement: Statement,
  column: (typeof TASK_COLUMNS)[number][2],
  value: unknown,
): string {
  if (is(value, SQL)) return statement.add(buildQuery(db, value));
  const driverValue = value === null ? null : column.mapToDriverValue(value);
  return `${statement.param(driverValue)}::${column.getSQLType()}`;
}

/** `insert into tasks … returning *`, written here rather than by drizzle (see `append`). */
function insertReturningAll(
  db: DbOrTx,
  statement: Statement,
  values: Record<string, unknown>,
): string {
  const names: string[] = [];
  const texts: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const entry = TASK_COLUMN_BY_KEY.get(key);
    if (!entry) throw new Error(`tasks has no column ${key}`);
    names.push(entry.name);
    texts.push(valueText(db, statement, entry.column, value));
  }
  return `insert into tasks (${names.join(", ")}) values (${texts.join(", ")}) returning *`;
}

async function publish(deps: Pick<CoreDeps, "pubsub">, appended: Appended) {
  const { userId, task, event, prevId } = appended;
  await deps.pubsub.publish(taskUpdatesChannel(userId), { ...event, task, prevId });
}

/** Inserts a task with its `created` event and announces it. */
export async function insertTask(
  deps: Pick<CoreDeps, "db" | "pubsub">,
  values: typeof schema.tasks.$inferInsert,
): Promise<Task> {
  const appended = await append(
    deps.db,
    (statement) => insertReturningAll(deps.db, statement, { ...values, lastSeq: 1 }),
    { type: "created", data: { kind: values.kind } },
  );
  if (!appended) throw new Error("task insert returned no row");
  await publish(deps, appended);
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
  const appended = await append(
    deps.db,
    (statement) => {
      const where = guard ? ` and (${statement.add(buildQuery(deps.db, guard))})` : "";
      return `update tasks set ${[...assignments(deps.db, statement, set), "last_seq = tasks.last_seq + 1"].join(", ")}
        where tasks.id = ${statement.param(target.id)} and tasks.user_id = ${statement.param(target.userId)}${where}
        returning *`;
    },
    change,
  );
  if (!appended) return null;
  await publish(deps, appended);
  return appended.task;
}

/**
 * Claims a task in one statement: `before` holds CTEs ending in `picked` (one task id, locked),
 * which is set running for `workerId` with one more attempt and a `started` event.
 */
export async function claimPicked(
  deps: Pick<CoreDeps, "db" | "pubsub">,
  before: BuiltQuery,
  workerId: string,
  now: Date,
): Promise<{ task: Task; userId: string } | null> {
  const at = now.toISOString();
  const appended = await append(
    deps.db,
    (statement) => {
      const worker = statement.param(workerId);
      const started = statement.param(at);
      return `update tasks set status = 'running', attempts = tasks.attempts + 1,
        worker_id = ${worker}::text, started_at = ${started}::timestamptz,
        heartbeat_at = ${started}::timestamptz, progress = 0, progress_message = null,
        last_seq = tasks.last_seq + 1
      from picked where tasks.id = picked.id and tasks.status = 'queued'
      returning tasks.*`;
    },
    {
      type: "started",
      data: sql`jsonb_build_object('attempt', changed.attempts, 'workerId', ${workerId}::text)`,
    },
    before,
  );
  if (!appended) return null;
  await publish(deps, appended);
  return { task: appended.task, userId: appended.userId };
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
