import type { CoreDeps } from "../context";
import type { BlobStorage } from "../ports";
import type { TaskKinds } from "./kinds";

/**
 * Gets runnable tasks to a handler. The database says what is runnable; a queue only carries
 * task ids (in-process: a wake-up of the local runner; BullMQ: a job per attempt).
 */
export interface TaskQueue {
  /**
   * The task is queued (new, retried, or backing off until `runAfter`): have it run. `attempts`
   * (so far) tells one queued spell of a task from the next, e.g. for a queue's job ids.
   */
  enqueue(task: {
    id: string;
    kind: string;
    runAfter: Date;
    priority: number;
    attempts: number;
  }): Promise<void>;
}

export interface TasksConfig {
  kinds: TaskKinds;
  queue: TaskQueue;
  /** Where handlers keep the files they make (under `tasks/<id>/`). */
  storage: BlobStorage;
}

export type TasksDeps = CoreDeps & { tasks: TasksConfig };
