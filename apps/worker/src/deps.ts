import path from "node:path";

import { createAdapters } from "@genflow/core/adapters";
import { DiskBlobStorage } from "@genflow/core/adapters/disk";
import {
  createCardRenderer,
  createRecentCards,
  sourceRenderWorker,
  workerScript,
  type GenerateDeps,
} from "@genflow/core/generate";
import {
  IMAGE_PROVIDER_RATE_POLICY,
  imageProviderFromConfig,
  imageProviderRatePolicy,
  limiterGate,
  type ImageProvider,
} from "@genflow/core/image-providers";
import {
  systemClock,
  type HealthCheck,
  type Logger,
  type RateLimiter,
  type RateLimitPolicy,
} from "@genflow/core/ports";
import {
  createBullmqRunner,
  type BullmqRunner,
  type TaskKinds,
  type TasksConfig,
} from "@genflow/core/tasks";
import { builtInTaskKinds, type BuiltInTaskKindDeps } from "@genflow/core/tasks/built-in";
import { setUpCutout } from "@genflow/core/cutout";
import { createDb, type DbHandle } from "@genflow/db";

import type { Env } from "./env";

export interface WorkerDeps {
  db: DbHandle;
  runner: BullmqRunner;
  kinds: TaskKinds;
  /** What the optional /readyz reports on. */
  healthChecks: HealthCheck[];
  /** Closes everything this built, in reverse order (the runner first). */
  close(): Promise<void>;
}

export interface BuildWorkerDepsOptions {
  log: Logger;
  /** This process's name in `tasks.worker_id`. */
  workerId: string;
  /** Migrations shipped next to the bundled worker; the db package's own folder otherwise. */
  migrationsFolder?: string | undefined;
  /** The card render worker built next to the bundled worker; the core package's source otherwise. */
  renderWorkerFile?: string | undefined;
  /** The cutout inference worker bundled next to the worker; the core package's source otherwise. */
  cutoutWorkerFile?: string | undefined;
  /** The kinds to run, from what the built-in kinds need. Default: `builtInTaskKinds`. */
  kinds?: (deps: BuiltInTaskKindDeps) => TaskKinds;
}

/**
 * The worker's composition root: the server's adapters minus HTTP, auth and uploads. Every
 * adapter is built once here and closed on shutdown; if a step fails, whatever was already
 * opened is closed before the error propagates. The runner is created but not started.
 */
export async function buildWorkerDeps(
  env: Env,
  options: BuildWorkerDepsOptions,
): Promise<WorkerDeps> {
  const { log } = options;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer();
      } catch (error) {
        log.error({ err: error }, "error while closing a dependency");
      }
    }
  };

  try {
    const db = await createDb({
      databaseUrl: env.DATABASE_URL,
      maxConnections: env.DATABASE_POOL_MAX,
      migrationsFolder: options.migrationsFolder,
    });
    closers.push(() => db.close());
    // Idempotent and serialised by an advisory lock: whichever of server and workers starts
    // first brings the schema up to date, and the others find nothing to do.
    await db.migrate();

    const policies: Record<string, RateLimitPolicy> = {
      ...(env.imageProvider && {
        [IMAGE_PROVIDER_RATE_POLICY]: imageProviderRatePolicy(env.imageProvider.qps),
      }),
    };
    const shared = await createAdapters({
      redisUrl: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      policies,
      log,
    });
    closers.push(() => shared.close());
    const core = {
      db: db.db,
      cache: shared.cache,
      rateLimiter: shared.rateLimiter,
      pubsub: shared.pubsub,
      log,
      clock: systemClock,
    };

    // Card renders run in worker threads, so a batch never blocks this event loop (BullMQ keeps
    // renewing its job locks meanwhile).
    const renderer = createCardRenderer({
      worker: options.renderWorkerFile
        ? workerScript(options.renderWorkerFile)
        : sourceRenderWorker(),
      threads: env.RENDER_THREADS,
      maxQueue: env.RENDER_QUEUE,
      avifThreads: env.RENDER_AVIF_THREADS,
      timeoutMs: env.RENDER_TIMEOUT_MS,
      log,
    });
    closers.push(() => renderer.close());
    // The same blob store as the servers (a shared disk): the owner downloads what a worker made.
    const blobs = new DiskBlobStorage(env.BLOB_DIR);
    const recent = await createRecentCards({ pubsub: shared.pubsub, log });
    closers.push(() => recent.close());
    const generate: GenerateDeps = { ...core, blobs, renderer, recent };

    // Background removal for cutout.batch: the same model folder settings as the servers.
    const cutout = await setUpCutout({
      env,
      defaultModelDir: path.join(env.DATA_DIR, "models"),
      deps: core,
      blobs,
      worker: options.cutoutWorkerFile ? workerScript(options.cutoutWorkerFile) : undefined,
    });
    closers.push(() => cutout.close());

    const kindDeps: BuiltInTaskKindDeps = {
      generate,
      storage: blobs,
      cutout: cutout.services,
      imageProvider: buildImageProvider(env, shared.rateLimiter, log),
    };
    const kinds = options.kinds ? options.kinds(kindDeps) : builtInTaskKinds(kindDeps);
    const tasks: TasksConfig = {
      kinds,
      storage: blobs,
      queue: { enqueue: () => Promise.resolve() },
    };
    const runner = createBullmqRunner(
      { ...core, tasks },
      {
        workerId: options.workerId,
        redisUrl: env.REDIS_URL,
        keyPrefix: env.REDIS_KEY_PREFIX,
        kinds: env.WORKER_KINDS,
        concurrency: env.WORKER_CONCURRENCY,
        heartbeatMs: env.TASK_HEARTBEAT_MS,
        staleAfterMs: env.TASK_STALE_AFTER_MS,
        reconcileMs: env.TASK_RECONCILE_MS,
        lockDurationMs: env.TASK_LOCK_DURATION_MS,
        stalledIntervalMs: env.TASK_STALLED_INTERVAL_MS,
        closeTimeoutMs: env.WORKER_SHUTDOWN_TIMEOUT_MS,
      },
    );
    // Handlers that queue follow-up tasks add their jobs through the runner.
    tasks.queue = runner.queue;
    closers.push(() => runner.stop());

    const healthChecks: HealthCheck[] = [
      {
        name: "database",
        required: true,
        async check() {
          const started = performance.now();
          await db.ping();
          return { ok: true, latencyMs: Math.round(performance.now() - started) };
        },
      },
      ...shared.healthChecks.map((check) => ({ ...check, required: true })),
      cutout.healthCheck,
    ];
    return { db, runner, kinds, healthChecks, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The text-to-image client when IMAGE_PROVIDER is set, sharing the servers' request rate. */
function buildImageProvider(env: Env, rateLimiter: RateLimiter, log: Logger): ImageProvider | null {
  const config = env.imageProvider;
  if (!config) return null;
  const provider = imageProviderFromConfig(config, {
    rateGate: limiterGate(rateLimiter, config.provider),
  });
  log.info(
    { provider: provider.id, model: provider.model, qps: config.qps },
    "image provider ready",
  );
  return provider;
}
