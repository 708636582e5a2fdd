export { cancelTask } from "./cancel-task";
export { createTask, type CreateTaskParams } from "./create-task";
export { deleteTask, taskFileKeys } from "./delete-task";
export { getTask } from "./get-task";
export { groupCommit } from "./group-commit";
export {
  backoffDelay,
  defineTaskKind,
  taskKinds,
  type BackoffPolicy,
  type TaskKind,
  type TaskKinds,
  type TaskRunContext,
} from "./kinds";
export { listTasks } from "./list-tasks";
export type { TaskQueue, TasksConfig, TasksDeps } from "./ports";
export { pruneTasks, type PruneTasksOptions } from "./prune-tasks";
export { readTaskFile, ReadTaskFileInput } from "./read-task-file";
export { retryTask } from "./retry-task";
export {
  isRetryable,
  recoverStaleTasks,
  runAttempt,
  TaskStopped,
  type AttemptOptions,
  type AttemptOutcome,
  type StopReason,
} from "./runner/attempt";
export { createBullmqRunner, type BullmqRunner, type BullmqRunnerOptions } from "./runner/bullmq";
export {
  taskJobId,
  taskQueueName,
  taskQueuePrefix,
  TASK_JOB_OPTIONS,
  type TaskJobData,
} from "./runner/bullmq-queues";
export { claimNextTask } from "./runner/pick";
export {
  createInProcessRunner,
  type InProcessRunner,
  type InProcessRunnerOptions,
} from "./runner/in-process";
export * from "./schemas";
export { eventCtes } from "./store";
export { streamTaskUpdates } from "./stream-task-updates";
export { taskStats } from "./task-stats";
