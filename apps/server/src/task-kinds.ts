import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import type { GenerateDeps } from "@genflow/core/generate";
import type { BlobStorage } from "@genflow/core/ports";
import { taskKinds, type TaskKinds } from "@genflow/core/tasks";
import { cardsBatchKind } from "@genflow/core/tasks/cards-batch";

/** The task kinds this deployment runs, built from the host's dependencies. */
export function serverTaskKinds(deps: { generate: GenerateDeps; storage: BlobStorage }): TaskKinds {
  return taskKinds([cardsBatchKind({ generate: deps.generate, storage: deps.storage })]);
}

/** This process's name in `tasks.worker_id`: host, pid and a random suffix (pids repeat). */
export function workerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}
