import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

import { user } from "./auth";

export const TASK_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "canceled",
  "interrupted",
] as const;
export type TaskStatusValue = (typeof TASK_STATUSES)[number];

/**
 * Durable runs of long work (an AI image, a batch of cards…). This table is the source of truth
 * and the searchable history; queues only carry task ids.
 */
export const tasks = pgTable(
  "tasks",
  {
    /** A UUID. */
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** Which handler runs it, e.g. `image.generate`. */
    kind: text().notNull(),
    status: text({ enum: TASK_STATUSES }).notNull().default("queued"),
    /** Higher runs first among one user's queued tasks. */
    priority: integer().notNull().default(0),
    /** Attempts started so far. */
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull(),
    /** 0–100. */
    progress: integer().notNull().default(0),
    progressMessage: text(),
    input: jsonb().$type<Record<string, unknown>>().notNull(),
    output: jsonb().$type<Record<string, unknown>>(),
    errorCode: text(),
    errorMessage: text(),
    /** The caller's key for "create at most once"; unique per user and kind. */
    idempotencyKey: text(),
    /** Who asked to stop it (a user id), once someone has. */
    canceledBy: text(),
    cancelRequestedAt: timestamp({ withTimezone: true }),
    /** The process running the current attempt. */
    workerId: text(),
    /** A queued task does not start before this (retry backoff). */
    runAfter: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The last event's sequence number in `task_events`. */
    lastSeq: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    heartbeatAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // "My tasks", newest first, a page at a time.
    index("tasks_user_id_created_at_id_idx").on(
      t.userId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // The queue: queued tasks of a kind by priority and age.
    index("tasks_queued_idx")
      .on(t.kind, t.priority.desc().nullsFirst(), t.createdAt, t.id)
      .where(sql`${t.status} = 'queued' and ${t.kind} <> ''`),
    // The fair pick: the owners with queued tasks of a kind (walked one owner at a time)…
    index("tasks_queued_kind_user_idx")
      .on(t.kind, t.userId)
      .where(sql`${t.status} = 'queued' and ${t.kind} <> ''`),
    // …and each owner's next queued tasks, read in order until the pick has enough. The two
    // indexes above are for queries that say `kind <> ''` (always true): the owner's next tasks do
    // not, so the planner cannot read them through one of those instead, which statistics from
    // before a burst of tasks make look as cheap (and then every pick reads the owner's queue).
    index("tasks_queued_user_idx")
      .on(t.userId, t.priority.desc().nullsFirst(), t.createdAt, t.id)
      .where(sql`${t.status} = 'queued'`),
    // Running tasks, for heartbeats and recovery.
    index("tasks_running_idx")
      .on(t.heartbeatAt)
      .where(sql`${t.status} = 'running'`),
    // Retention: finished tasks by age.
    index("tasks_finished_at_idx")
      .on(t.finishedAt)
      .where(sql`${t.finishedAt} is not null`),
    uniqueIndex("tasks_user_id_kind_idempotency_key_idx")
      .on(t.userId, t.kind, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

/**
 * Each task's ordered event log (`seq` counts from 1 per task). The owner is repeated so that one
 * user's events across all tasks can be replayed in `id` order after a reconnect.
 */
export const taskEvents = pgTable(
  "task_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    taskId: text()
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    userId: text().notNull(),
    seq: integer().notNull(),
    type: text().notNull(),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("task_events_task_id_seq_idx").on(t.taskId, t.seq),
    index("task_events_user_id_id_idx").on(t.userId, t.id),
  ],
);

/**
 * Where each user's task log ends. Every append updates the owner's row in the same statement as
 * the event it adds, so one user's appends take turns on this row lock (held only until that
 * statement commits) and their ids are committed in increasing order; `prevEventId` is the id of
 * the append before, which live messages carry so a subscriber can notice one it missed.
 */
export const taskStreams = pgTable("task_streams", {
  userId: text()
    .primaryKey()
    .references(() => user.id, { onDelete: "cascade" }),
  lastEventId: bigint({ mode: "number" }).notNull(),
  prevEventId: bigint({ mode: "number" }),
});
