import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { schema, type Database } from "@genflow/db";
import { createTestDatabase, type TestDatabase } from "@genflow/db/testing";

import { DiskBlobStorage } from "../../src/adapters/disk";
import { createMemoryAdapters } from "../../src/adapters/memory";
import type {
  CardRenderer,
  GenerateDeps,
  GenerateMetrics,
  RenderJob,
  RenderLane,
  RenderOptions,
  RenderRejection,
} from "../../src/generate/ports";
import type { Clock } from "../../src/ports";
import { recordingLogger } from "../adapters-helpers";

/** Inserts a user (cards belong to one) and returns its id. */
export async function createUser(db: Database, name = "Ada"): Promise<string> {
  const id = randomUUID();
  await db.insert(schema.user).values({ id, name, email: `${id}@example.test` });
  return id;
}

/** Passes renders through to a real renderer and keeps every job it was given. */
export class CountingRenderer implements CardRenderer {
  readonly jobs: RenderJob[] = [];
  constructor(private readonly inner: CardRenderer) {}
  render(job: RenderJob, options?: RenderOptions) {
    this.jobs.push(job);
    return this.inner.render(job, options);
  }
  queued() {
    return this.inner.queued();
  }
  close() {
    return this.inner.close();
  }
}

/** Metrics that remember what they were told. */
export class RecordingMetrics implements GenerateMetrics {
  readonly durations: { template: string; format: string; seconds: number }[] = [];
  readonly queueLengths: { lane: RenderLane; length: number }[] = [];
  readonly lookups: ("hit" | "miss")[] = [];
  readonly rejections: { lane: RenderLane; reason: RenderRejection }[] = [];
  renderDuration(labels: { template: string; format: string }, seconds: number) {
    this.durations.push({ ...labels, seconds });
  }
  queueLength(lane: RenderLane, length: number) {
    this.queueLengths.push({ lane, length });
  }
  cacheLookup(result: "hit" | "miss") {
    this.lookups.push(result);
  }
  rejected(lane: RenderLane, reason: RenderRejection) {
    this.rejections.push({ lane, reason });
  }
}

/** A clock that moves forward one second per reading, so every card has its own time. */
export function steppingClock(start = Date.parse("2030-01-01T00:00:00Z")): Clock {
  let now = start;
  return {
    now: () => {
      now += 1000;
      return new Date(now);
    },
  };
}

export interface PipelineFixture {
  database: TestDatabase;
  blobDir: string;
  deps: GenerateDeps & { blobs: DiskBlobStorage; metrics: RecordingMetrics };
  destroy(): Promise<void>;
}

/** A migrated PGlite database, a temporary blob folder and in-memory adapters around `renderer`. */
export async function pipelineFixture(
  renderer: CardRenderer,
  clock: Clock = steppingClock(),
): Promise<PipelineFixture> {
  const database = await createTestDatabase(process.env.DATABASE_URL);
  const blobDir = await mkdtemp(path.join(tmpdir(), "genflow-cards-"));
  const { log } = recordingLogger();
  const adapters = createMemoryAdapters({ policies: {}, log });
  const deps = {
    db: database.db,
    cache: adapters.cache,
    rateLimiter: adapters.rateLimiter,
    pubsub: adapters.pubsub,
    log,
    clock,
    blobs: new DiskBlobStorage(blobDir),
    renderer,
    metrics: new RecordingMetrics(),
  };
  return {
    database,
    blobDir,
    deps,
    async destroy() {
      await database.destroy();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}
