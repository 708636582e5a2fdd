import { buildQuery, executePrepared, schema, type BuiltQuery, type DbOrTx } from "@genflow/db";
import { and, asc, desc, eq, getTableColumns, gt, is, SQL, sql } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";

import type { CoreDeps } from "../context";
import { groupCommit, perWriter } from "./group-commit";
import {
  type Task,
  type TaskEvent,
  type TaskEventType,
  type TaskUpdate,
  taskUpdatesChannel,
} from "./schemas";

type TaskRow = typeof schema.tasks.$inferSelect;
/**
 * What writes a task: its database (or transaction), the pub/sub that announces the change, and
 * the log that hears when an announcement could not be made.
 */
type Writer = Pick<CoreDeps, "db" | "pubsub" | "log">;
/** What announces committed changes. */
type Announcer = Pick<CoreDeps, "pubsub" | "log">;
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

export interface Appended {
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
 * The most rows one append may change for one owner. Event ids come from `task_events_id_seq`,
 * which steps by this much (migration 0010): an append takes one value per owner under that
 * owner's `task_streams` lock and numbers the owner's events from it, consecutively.
 */
export const EVENT_ID_BLOCK = 32;

/**
 * The part of an append after its `changed` CTE (rows of `tasks` with at least `id`, `user_id` and
 * `last_seq`): `counts`, `stream` (each owner's `task_streams` row, locked and moved on) and
 * `event` (one `task_events` row per changed row, of type `typeSql` with data `dataSql`, both SQL
 * text). Exported for the benchmark that measures the task record alone.
 */
export function eventCtes(typeSql: string, dataSql: string): string {
  return `counts as (select user_id, count(*)::int as n from changed group by user_id),
    stream as (
      insert into task_streams as s (user_id, last_event_id)
      select user_id, nextval('task_events_id_seq') + n - 1 from counts order by user_id
      on conflict (user_id) do update
        set prev_event_id = s.last_event_id,
          last_event_id = nextval('task_events_id_seq')
            + (select c.n from counts c where c.user_id = excluded.user_id) - 1
      returning user_id, last_event_id, prev_event_id
    ),
    event as (
      insert into task_events (id, task_id, user_id, seq, type, data)
      select stream.last_event_id - counts.n
          + row_number() over (partition by changed.user_id order by changed.id),
        changed.id, changed.user_id, changed.last_seq, ${typeSql}, ${dataSql}
      from changed
      join counts on counts.user_id = changed.user_id
      join stream on stream.user_id = changed.user_id
      returning id, task_id, seq, type, data, created_at
    )`;
}

/**
 * Runs `changed` (an insert into or update of `tasks` returning `*`, any number of rows up to
 * `EVENT_ID_BLOCK` per owner) and appends one event for each row it changed, in a single
 * statement, so the changes and their events commit together or not at all. Each owner's
 * `task_streams` row is locked by the upsert (in owner id order, so that statements changing
 * several owners' tasks never wait for each other in a cycle) and gives that owner's events their
 * ids only once the lock is held (`nextval` in the conflict branch, evaluated on the latest row version), so one
 * user's event ids commit in increasing order while other users' appends never wait. Returns
 * what changed, in no particular order (nothing when the guard of `changed` held for no row).
 *
 * This is the task queue's hot path: the statement is prepared, and its parts arrive rendered, so
 * that only the small dynamic parts go through drizzle. `before` holds CTEs `changed` may use.
 */
async function appendRows<Extra extends object = object>(
  db: DbOrTx,
  changed: (statement: Statement) => string,
  change: TaskChange,
  before?: BuiltQuery,
  extra?: (raw: Record<string, unknown>) => Extra,
): Promise<(Appended & Extra)[]> {
  const statement = new Statement();
  const beforeText = before ? `${statement.add(before)}, ` : "";
  const changedText = changed(statement);
  const type = statement.param(change.type);
  const data = change.data ?? {};
  const dataText = is(data, SQL)
    ? statement.add(buildQuery(db, data))
    : `${statement.param(JSON.stringify(data))}::jsonb`;
  const rows = await executePrepared<Record<string, unknown>>(db, "tasks.append", {
    sql: `with recursive ${beforeText}changed as (${changedText}),
    ${eventCtes(`${type}::text`, dataText)}
    select changed.*, event.id as event_id, event.seq as event_seq, event.type as event_type,
      event.data as event_data, event.created_at as event_created_at,
      stream.prev_event_id as stream_prev_id
    from changed
    join event on event.task_id = changed.id
    join stream on stream.user_id = changed.user_id`,
    params: statement.params,
  });
  const appended = rows.map((raw): Appended & Extra => {
    const row = taskRowOf(raw);
    const prev = raw["stream_prev_id"];
    return {
      ...(extra?.(raw) as Extra),
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
  });
  // An owner's events are numbered consecutively: each one's predecessor is the one before it,
  // the first's is where the owner's log ended before this statement.
  appended.sort((a, b) => a.event.id - b.event.id);
  const lastByUser = new Map<string, number>();
  for (const item of appended) {
    const last = lastByUser.get(item.userId);
    if (last !== undefined) item.prevId = last;
    lastByUser.set(item.userId, item.event.id);
  }
  return appended;
}

/** `appendRows` for a change of at most one row: what it changed, or null. */
async function append(
  db: DbOrTx,
  changed: (statement: Statement) => string,
  change: TaskChange,
  before?: BuiltQuery,
): Promise<Appended | null> {
  const [appended] = await appendRows(db, changed, change, before);
  return appended ?? null;
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

/** Announces a committed change to its owner's watchers, on every process. */
async function publish(deps: Announcer, appended: Appended) {
  await publishAll(deps, [appended]);
}

/**
 * Announces the changes of one statement: one message per owner, holding that owner's events in
 * order (a list when there are several), so a group-committed statement costs one publish per
 * owner rather than one per task.
 *
 * The changes are committed by then, so an announcement that fails (pub/sub unreachable) does not
 * fail the change: it is logged, and watchers read the missed events from the task log (at the
 * owner's next message, which shows the gap, or at their next idle check; see `streamLog`).
 */
export async function publishAll(deps: Announcer, appended: readonly Appended[]) {
  const byUser = new Map<string, (TaskUpdate & { prevId: number | null })[]>();
  for (const { userId, task, event, prevId } of [...appended].sort(
    (a, b) => a.event.id - b.event.id,
  )) {
    const messages = byUser.get(userId) ?? [];
    messages.push({ ...event, task, prevId });
    byUser.set(userId, messages);
  }
  await Promise.all(
    [...byUser].map(async ([userId, messages]) => {
      try {
        await deps.pubsub.publish(
          taskUpdatesChannel(userId),
          messages.length === 1 ? messages[0] : messages,
        );
      } catch (error) {
        deps.log.warn(
          { err: error, userId, events: messages.length },
          "could not announce committed task changes; watchers read them from the task log",
        );
      }
    }),
  );
}

/** Inserts a task with its `created` event and announces it. */
export async function insertTask(
  deps: Writer,
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

/** A task to queue, as `createTask` makes it. */
export interface NewTask {
  id: string;
  userId: string;
  kind: string;
  priority: number;
  maxAttempts: number;
  input: unknown;
  idempotencyKey: string | null;
  runAfter: Date;
  createdAt: Date;
}

/**
 * Inserts tasks with their `created` events in one statement. A task whose idempotency key its
 * owner already used for the kind is not inserted (no row for it in the result).
 */
async function insertNewTasks(db: DbOrTx, tasks: readonly NewTask[]): Promise<Appended[]> {
  return appendRows(
    db,
    (statement) => {
      const rows = statement.param(
        JSON.stringify(
          tasks.map((task) => ({
            id: task.id,
            user_id: task.userId,
            kind: task.kind,
            priority: task.priority,
            max_attempts: task.maxAttempts,
            input: task.input,
            idempotency_key: task.idempotencyKey,
            run_after: task.runAfter.toISOString(),
            created_at: task.createdAt.toISOString(),
          })),
        ),
      );
      return `insert into tasks (id, user_id, kind, priority, max_attempts, input, idempotency_key,
          run_after, created_at, last_seq)
        select v.id, v.user_id, v.kind, v.priority, v.max_attempts, v.input, v.idempotency_key,
          v.run_after, v.created_at, 1
        from jsonb_to_recordset(${rows}::jsonb) as v(id text, user_id text, kind text,
          priority integer, max_attempts integer, input jsonb, idempotency_key text,
          run_after timestamptz, created_at timestamptz)
        on conflict (user_id, kind, idempotency_key) where idempotency_key is not null do nothing
        returning *`;
    },
    { type: "created", data: sql`jsonb_build_object('kind', changed.kind)` },
  );
}

/** Per item of a batch: its result, or the error that kept it from being written. */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function unwrap<T>(settled: Settled<T>): T {
  if (!settled.ok) throw settled.error;
  return settled.value;
}

const taskInserts = perWriter((deps: Writer) =>
  groupCommit(async (tasks: NewTask[]): Promise<Settled<Appended | null>[]> => {
    const inserted = await settle(insertNewTasks(deps.db, tasks));
    if (inserted.ok) {
      await publishAll(deps, inserted.value);
      const byId = new Map(inserted.value.map((appended) => [appended.task.id, appended]));
      return tasks.map((task) => ({ ok: true, value: byId.get(task.id) ?? null }));
    }
    // One bad task (its owner deleted meanwhile, say) must not fail the others: each on its own.
    if (tasks.length === 1) return [inserted];
    return Promise.all(
      tasks
        .map(async (task) => {
          const [appended] = await insertNewTasks(deps.db, [task]);
          if (!appended) return null;
          await publish(deps, appended);
          return appended;
        })
        .map(settle),
    );
  }, EVENT_ID_BLOCK),
);

/**
 * Queues a task with its `created` event and announces it; null when its owner already has a
 * task of the kind with its idempotency key. Creates made at the same time share one statement
 * (group commit).
 */
export async function queueTask(deps: Writer, task: NewTask): Promise<Task | null> {
  const appended = unwrap(await taskInserts(deps)(task));
  return appended?.task ?? null;
}

interface Finish {
  id: string;
  userId: string;
  workerId: string;
  output: unknown;
  finishedAt: Date;
}

const taskFinishes = perWriter((deps: Writer) =>
  groupCommit(async (finishes: Finish[]): Promise<(Appended | null)[]> => {
    const appended = await appendRows(
      deps.db,
      (statement) => {
        const rows = statement.param(
          JSON.stringify(
            finishes.map((finish) => ({
              id: finish.id,
              user_id: finish.userId,
              worker_id: finish.workerId,
              output: finish.output ?? null,
              finished_at: finish.finishedAt.toISOString(),
            })),
          ),
        );
        return `update tasks set status = 'succeeded', output = v.output, progress = 100,
            error_code = null, error_message = null, finished_at = v.finished_at,
            last_seq = tasks.last_seq + 1
          from jsonb_to_recordset(${rows}::jsonb) as v(id text, user_id text, worker_id text,
            output jsonb, finished_at timestamptz)
          where tasks.id = v.id and tasks.user_id = v.user_id and tasks.status = 'running'
            and tasks.worker_id = v.worker_id
          returning tasks.*`;
      },
      { type: "succeeded", data: {} },
    );
    await publishAll(deps, appended);
    const byId = new Map(appended.map((item) => [item.task.id, item]));
    return finishes.map((finish) => byId.get(finish.id) ?? null);
  }, EVENT_ID_BLOCK),
);

/**
 * Records a running attempt's success (its output, `succeeded`, progress 100) when `workerId`
 * still runs it, and announces it; null when it does not. Attempts finishing at the same time
 * share one statement (group commit).
 */
export async function finishTask(deps: Writer, finish: Finish): Promise<Task | null> {
  const appended = await taskFinishes(deps)(finish);
  return appended?.task ?? null;
}

/**
 * Changes a task and logs the change as one event, atomically: the update applies only when
 * `guard` holds (e.g. "still queued"), and returns null otherwise. Subscribers hear about it once
 * it is committed.
 */
export async function changeTask(
  deps: Writer,
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
 * "Still queued", for rows found by their ids (the claim's lock and update). Read through a
 * sub-select so that the planner cannot match it to the partial indexes on queued tasks: with
 * statistics taken while few tasks were queued (the usual case, and autovacuum does not analyze a
 * large table again for a burst of new tasks) it would find the picked ids by reading the queue
 * from its start, thousands of rows for a few found by primary key.
 */
export const STILL_QUEUED = "(select 'queued'::text)";

/**
 * "Queued", for queries that read the queued tasks of a kind: written out rather than bound, and
 * with `kind <> ''`, which the queue's indexes by kind require (see the `tasks` schema).
 */
export const QUEUED_OF_A_KIND = sql`${schema.tasks.status} = 'queued' and ${schema.tasks.kind} <> ''`;

/** A task a claim took, with its owner's turn in the pick (1 for the first owner the pick walked to). */
export interface PickedTask extends Appended {
  turn: number;
}

/**
 * Claims tasks in one statement: `before` holds CTEs ending in `picked` (task ids, locked, with
 * their owner's `turn`), each of which is set running for `workerId` with one more attempt and a
 * `started` event. Returns them in no particular order, not yet announced (see `publish`).
 */
export async function claimPicked(
  db: DbOrTx,
  before: BuiltQuery,
  workerId: string,
  now: Date,
): Promise<PickedTask[]> {
  const at = now.toISOString();
  return appendRows(
    db,
    (statement) => {
      const worker = statement.param(workerId);
      const started = statement.param(at);
      return `update tasks set status = 'running', attempts = tasks.attempts + 1,
        worker_id = ${worker}::text, started_at = ${started}::timestamptz,
        heartbeat_at = ${started}::timestamptz, progress = 0, progress_message = null,
        last_seq = tasks.last_seq + 1
      from picked where tasks.id = picked.id and tasks.status = ${STILL_QUEUED}
      returning tasks.*, picked.turn as pick_turn`;
    },
    {
      type: "started",
      data: sql`jsonb_build_object('attempt', changed.attempts, 'workerId', changed.worker_id)`,
    },
    before,
    (raw) => ({ turn: Number(raw["pick_turn"]) }),
  );
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
