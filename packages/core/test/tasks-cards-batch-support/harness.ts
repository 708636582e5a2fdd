import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll } from "vitest";

import { DiskBlobStorage } from "../../src/adapters/disk";
import type { TaskKind, TaskRunContext } from "../../src/tasks/kinds";
import {
  CardsBatchInput,
  cardsBatchKind,
  type CardsBatchJob,
  type CardsBatchManifest,
  type CardsBatchOutput,
} from "../../src/tasks/kinds/cards-batch";
import type { Task } from "../../src/tasks/schemas";
import { useCardsSuite, type CardsSuite } from "../generate-pipeline-support/cards-suite";

/**
 * The `cards.batch` kind over the real card pipeline (the cards suite: PGlite, the render worker,
 * two users) with a blob folder of its own for task files, and hand-made run contexts that record
 * what the handler reports.
 */
export interface BatchSuite {
  cards: CardsSuite;
  kind: TaskKind<CardsBatchJob, CardsBatchOutput>;
  storage: DiskBlobStorage;
}

export function useBatchSuite(): BatchSuite {
  const cards = useCardsSuite();
  const suite = { cards } as BatchSuite;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "genflow-task-files-"));
    suite.storage = new DiskBlobStorage(dir);
    suite.kind = cardsBatchKind({ generate: cards.fixture.deps, storage: suite.storage });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return suite;
}

/** A task row as the runner would hand it over (queued, first attempt). */
export function taskFor(input: unknown): Task {
  const now = new Date();
  return {
    id: randomUUID(),
    kind: "cards.batch",
    status: "running",
    priority: 0,
    attempts: 1,
    maxAttempts: 2,
    progress: 0,
    progressMessage: null,
    input: input as Record<string, unknown>,
    output: null,
    error: null,
    idempotencyKey: null,
    canceledBy: null,
    cancelRequested: false,
    workerId: "test",
    runAfter: now,
    createdAt: now,
    startedAt: now,
    heartbeatAt: now,
    finishedAt: null,
    lastSeq: 1,
  };
}

export interface Attempt {
  task: Task;
  ctx: TaskRunContext<CardsBatchJob>;
  controller: AbortController;
  progress: { percent: number; message: string | undefined }[];
  logs: Record<string, unknown>[];
}

/**
 * A run context for `input` (parsed with the kind's schema, as the runner does) owned by
 * `userId`; `onProgress` sees every progress report as it is made.
 */
export function attempt(
  userId: string,
  input: unknown,
  onProgress?: (percent: number, controller: AbortController) => void,
): Attempt {
  const controller = new AbortController();
  const progress: Attempt["progress"] = [];
  const logs: Attempt["logs"] = [];
  const task = taskFor(input);
  const ctx: TaskRunContext<CardsBatchJob> = {
    task,
    userId,
    input: CardsBatchInput.parse(input),
    attempt: 1,
    signal: controller.signal,
    progress(percent, message) {
      progress.push({ percent, message });
      onProgress?.(percent, controller);
      return Promise.resolve();
    },
    log(data) {
      logs.push(data);
      return Promise.resolve();
    },
  };
  return { task, ctx, controller, progress, logs };
}

/** The zip's files by name, and its manifest. */
export function unzip(bytes: Uint8Array): {
  files: Record<string, Uint8Array>;
  manifest: CardsBatchManifest;
} {
  const files = unzipSync(bytes);
  const manifest = files["manifest.json"];
  if (!manifest) throw new Error("the zip has no manifest.json");
  return { files, manifest: JSON.parse(strFromU8(manifest)) as CardsBatchManifest };
}

/** What `promise` rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}
