import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import { DomainError } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { CreateTaskInput, type Task } from "./schemas";
import { queueTask, toTask } from "./store";

export interface CreateTaskParams {
  userId: string;
  input: CreateTaskInput;
}

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = "23505";

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

/**
 * Queues a task of a known kind with input its schema accepts. With an idempotency key, a second
 * create (same user, kind and key) returns the first task instead of queueing another one.
 */
export async function createTask(
  deps: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">,
  params: CreateTaskParams,
): Promise<{ task: Task; created: boolean }> {
  const request = parseInput(CreateTaskInput, params.input, "The task is not valid");
  const kind = deps.tasks.kinds.get(request.kind);
  if (!kind) {
    throw new DomainError("VALIDATION", `There is no task kind "${request.kind}"`, {
      details: { kind: request.kind, kinds: [...deps.tasks.kinds.keys()] },
    });
  }
  parseInput(kind.input, request.input, `The input of ${kind.name} is not valid`);

  const existing = async () => {
    if (request.idempotencyKey === undefined) return undefined;
    const t = schema.tasks;
    const [row] = await deps.db
      .select()
      .from(t)
      .where(
        and(
          eq(t.userId, params.userId),
          eq(t.kind, kind.name),
          eq(t.idempotencyKey, request.idempotencyKey),
        ),
      )
      .limit(1);
    return row ? toTask(row) : undefined;
  };

  const found = await existing();
  if (found) return { task: found, created: false };

  let task: Task | null;
  try {
    task = await queueTask(deps, {
      id: crypto.randomUUID(),
      userId: params.userId,
      kind: kind.name,
      priority: request.priority,
      maxAttempts: kind.maxAttempts,
      input: request.input,
      idempotencyKey: request.idempotencyKey ?? null,
      runAfter: deps.clock.now(),
      createdAt: deps.clock.now(),
    });
  } catch (error) {
    // Two creates with the same key raced: the other one won.
    const winner = isUniqueViolation(error) ? await existing() : undefined;
    if (winner) return { task: winner, created: false };
    throw error;
  }
  if (!task) {
    // Another create with the same key got there first (perhaps in the same statement).
    const winner = await existing();
    if (!winner) throw new Error("a task's idempotency key conflicted, but no task holds it");
    return { task: winner, created: false };
  }
  await deps.tasks.queue.enqueue(task);
  // As created: a runner in this process may already have started it, and says so in its events.
  return { task, created: true };
}
