import { schema } from "@genflow/db";
import { z } from "zod";

import { EventCursor } from "../events/schemas";

const TASK_STATUSES = schema.TASK_STATUSES;

export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Statuses a task never leaves (except through `retry`). */
export const FINISHED_STATUSES = ["succeeded", "failed", "canceled", "interrupted"] as const;
export const isFinished = (status: TaskStatus) =>
  (FINISHED_STATUSES as readonly string[]).includes(status);

/** A kind's name: lowercase words joined by dots, e.g. `image.generate`. */
export const TaskKindName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, "must look like image.generate")
  .max(64);

export const TaskError = z.object({ code: z.string(), message: z.string() });
export type TaskError = z.infer<typeof TaskError>;

/** A task as callers see it. */
export const Task = z.object({
  id: z.string(),
  kind: z.string(),
  status: TaskStatus,
  priority: z.number().int(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  progress: z.number().int().min(0).max(100),
  progressMessage: z.string().nullable(),
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).nullable(),
  error: TaskError.nullable(),
  idempotencyKey: z.string().nullable(),
  /** Who stopped it, once someone asked to. */
  canceledBy: z.string().nullable(),
  cancelRequested: z.boolean(),
  workerId: z.string().nullable(),
  runAfter: z.date(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  heartbeatAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  lastSeq: z.number().int(),
});
export type Task = z.infer<typeof Task>;

/** The kinds of entries in a task's event log. */
export const TASK_EVENT_TYPES = [
  "created",
  "started",
  "progress",
  "log",
  "retrying",
  "cancel-requested",
  "succeeded",
  "failed",
  "canceled",
  "interrupted",
  "retried",
] as const;
export const TaskEventType = z.enum(TASK_EVENT_TYPES);
export type TaskEventType = z.infer<typeof TaskEventType>;

/** One entry of a task's log; `id` orders all of a user's task events, `seq` one task's. */
export const TaskEvent = z.object({
  id: z.number().int().positive(),
  taskId: z.string(),
  seq: z.number().int().positive(),
  type: TaskEventType,
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
});
export type TaskEvent = z.infer<typeof TaskEvent>;

const JsonDate = z.union([
  z.date(),
  z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
]);
const NullableJsonDate = JsonDate.nullable();

/** A task as it travels over pub/sub (dates as ISO strings). */
const TaskMessage = Task.extend({
  runAfter: JsonDate,
  createdAt: JsonDate,
  startedAt: NullableJsonDate,
  heartbeatAt: NullableJsonDate,
  finishedAt: NullableJsonDate,
});

/** What subscribers receive: the event and the task as it was right after it. */
export const TaskUpdate = TaskEvent.extend({ task: Task.nullable() });
export type TaskUpdate = z.infer<typeof TaskUpdate>;

/** The live message: the update plus the id of the owner's previous task event. */
export const TaskUpdateMessage = TaskEvent.extend({
  createdAt: JsonDate,
  task: TaskMessage.nullable(),
  prevId: z.number().int().nonnegative().nullable(),
});

/** What one message on an owner's channel holds: an update, or a statement's updates in order. */
export const TaskUpdateMessages = z.union([TaskUpdateMessage, z.array(TaskUpdateMessage).min(1)]);

export const taskUpdatesChannel = (userId: string) => `tasks:user:${userId}`;
/** Where cancel requests for running tasks are broadcast to every process that runs handlers. */
export const TASK_CANCEL_CHANNEL = "tasks:cancel";
export const TaskCancelMessage = z.object({ taskId: z.string(), by: z.string() });

const TaskId = z.uuid();

export const CreateTaskInput = z.object({
  kind: TaskKindName,
  input: z.record(z.string(), z.unknown()),
  priority: z.number().int().min(-10).max(10).default(0),
  /** Creating twice with the same key (per user and kind) returns the first task. */
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});
export type CreateTaskInput = z.input<typeof CreateTaskInput>;

export const ListTasksInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
  status: z.array(TaskStatus).max(TASK_STATUSES.length).optional(),
  kind: TaskKindName.optional(),
  /** Text searched for in the task's input (case-insensitive). */
  search: z.string().trim().min(1).max(200).optional(),
});
export type ListTasksInput = z.input<typeof ListTasksInput>;

export const TasksPage = z.object({ items: z.array(Task), nextCursor: z.string().nullable() });
export type TasksPage = z.infer<typeof TasksPage>;

export const TaskByIdInput = z.object({ id: TaskId });
export type TaskByIdInput = z.input<typeof TaskByIdInput>;

/** A task with where it stands in the queue, when it is queued. */
export const TaskDetail = Task.extend({
  queue: z
    .object({
      /** Tasks that start before it (1 = next). */
      position: z.number().int().positive(),
      /** When it is expected to finish, from measured durations; null without measurements. */
      etaMs: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
});
export type TaskDetail = z.infer<typeof TaskDetail>;

export const OnTaskUpdatesInput = z.object({
  /** Only this task's updates; omit for all of the caller's tasks. */
  taskId: TaskId.optional(),
  lastEventId: EventCursor.optional(),
});
export type OnTaskUpdatesInput = z.input<typeof OnTaskUpdatesInput>;

export const TaskKindStats = z.object({
  kind: z.string(),
  queued: z.number().int(),
  running: z.number().int(),
  failedLastHour: z.number().int(),
  succeededLastHour: z.number().int(),
  /** Median run time of the last successful runs (ms); null without any. */
  p50DurationMs: z.number().nullable(),
});
export const TaskStats = z.object({ kinds: z.array(TaskKindStats) });
export type TaskStats = z.infer<typeof TaskStats>;
