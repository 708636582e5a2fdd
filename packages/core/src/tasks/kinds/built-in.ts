import type { GenerateDeps } from "../../generate";
import type { BlobStorage } from "../../ports";
import { taskKinds, type TaskKinds } from "../kinds";
import { cardsBatchKind } from "./cards-batch";

/** What the built-in kinds need from the host that runs them (a server or a worker). */
export interface BuiltInTaskKindDeps {
  /** The card pipeline (cards.batch renders through it). */
  generate: GenerateDeps;
  /** Where task files go (`tasks/<id>/…`). */
  storage: BlobStorage;
}

/**
 * Every kind GenFlow ships, for the hosts that run handlers: the server's in-process runner and
 * the BullMQ workers build the same set, so a task runs the same wherever it is picked up.
 */
export function builtInTaskKinds(deps: BuiltInTaskKindDeps): TaskKinds {
  return taskKinds([cardsBatchKind({ generate: deps.generate, storage: deps.storage })]);
}
