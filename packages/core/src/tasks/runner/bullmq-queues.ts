import { Queue } from "bullmq";
import type { Redis } from "ioredis";

import type { Logger } from "../../ports";

/** What a job carries: the task's id, nothing else (the database has the rest). */
export interface TaskJobData {
  taskId: string;
}

/** What a queue needs to know of a task to give it a job. */
export interface QueuedTask {
  id: string;
  kind: string;
  runAfter: Date;
  /** Attempts so far: part of the job id, so each queued spell of a task gets one job. */
  attempts: number;
}

/**
 * BullMQ's key prefix for task queues: with the deployment's prefix `genflow:` the queue of kind
 * `cards.batch` lives under `genflow:tasks:cards.batch:*` (BullMQ joins prefix and name with `:`).
 */
export function taskQueuePrefix(keyPrefix: string): string {
  return `${keyPrefix}tasks`;
}

/** One queue per kind, named after it (kind names never contain `:`, which BullMQ refuses). */
export function taskQueueName(kind: string): string {
  return kind;
}

/**
 * The job of a task while it waits for its next attempt: `<taskId>-a<attempts so far>`. Adding
 * the same task twice in one queued spell (create and the reconciler, say) adds one job; a retry
 * (one more attempt) gets a new job. BullMQ refuses `:` in custom ids, hence the dash.
 */
export function taskJobId(task: Pick<QueuedTask, "id" | "attempts">): string {
  return `${task.id}-a${task.attempts}`;
}

/** Every finished job leaves Redis at once: Redis holds only live queue state. */
export const TASK_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: true,
} as const;

export interface TaskQueuesOptions {
  /** A connection of the caller's; the queues share it and leave it open. */
  connection: Redis;
  /** BullMQ prefix (see {@link taskQueuePrefix}). */
  prefix: string;
  log: Logger;
  now: () => number;
}

/** The producer side: a BullMQ queue per kind, opened on first use. */
export class TaskQueues {
  private readonly queues = new Map<string, Queue<TaskJobData>>();

  constructor(private readonly options: TaskQueuesOptions) {}

  get(kind: string): Queue<TaskJobData> {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue<TaskJobData>(taskQueueName(kind), {
        connection: this.options.connection,
        prefix: this.options.prefix,
        defaultJobOptions: TASK_JOB_OPTIONS,
        // Nothing reads BullMQ's event stream (task events live in Postgres): keep it short.
        streams: { events: { maxLen: 100 } },
      });
      queue.on("error", (error: Error) =>
        this.options.log.debug({ err: error, kind }, "task queue connection error"),
      );
      this.queues.set(kind, queue);
    }
    return queue;
  }

  /**
   * Adds jobs for tasks of one kind in one round trip, each delayed until its task's `runAfter`;
   * existing jobs are left as they are.
   */
  async addMany(kind: string, tasks: readonly QueuedTask[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.get(kind).addBulk(
      tasks.map((task) => ({ name: kind, data: { taskId: task.id }, opts: this.jobOptions(task) })),
    );
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }

  private jobOptions(task: QueuedTask) {
    return {
      ...TASK_JOB_OPTIONS,
      jobId: taskJobId(task),
      delay: Math.max(0, task.runAfter.getTime() - this.options.now()),
    };
  }
}
