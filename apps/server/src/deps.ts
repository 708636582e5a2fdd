import { availableParallelism } from "node:os";
import path from "node:path";

import type { ApiServices } from "@genflow/api";
import {
  buildChatProviders,
  createReplyRunner,
  DEFAULT_AI_CHAT_LIMITS,
  localLlamaProvider,
  recoverStaleReplies,
  type AiChatServices,
} from "@genflow/core/ai-chat";
import { createAdapters } from "@genflow/core/adapters";
import { DiskBlobStorage } from "@genflow/core/adapters/disk";
import { authRateLimitPolicies, createAuth } from "@genflow/core/auth";
import { setUpCutout } from "@genflow/core/cutout";
import { sweepUnreferencedFiles } from "@genflow/core/files";
import { DEFAULT_UPLOAD_LIMITS, type UploadDeps } from "@genflow/core/uploads";
import { systemClock } from "@genflow/core/ports";
import { pruneUserEvents } from "@genflow/core/events";
import {
  createCardRenderer,
  createRecentCards,
  sourceRenderWorker,
  workerScript,
  type GenerateDeps,
} from "@genflow/core/generate";
import type { HealthCheck, Logger, RateLimiter, RateLimitPolicy } from "@genflow/core/ports";
import {
  IMAGE_PROVIDER_RATE_POLICY,
  imageProviderFromConfig,
  imageProviderRatePolicy,
  limiterGate,
  type ImageProvider,
} from "@genflow/core/image-providers";
import {
  createBullmqRunner,
  createInProcessRunner,
  pruneTasks,
  type TasksConfig,
} from "@genflow/core/tasks";
import { builtInTaskKinds } from "@genflow/core/tasks/built-in";
import { createDb, type DbHandle } from "@genflow/db";

import type { Env } from "./env";
import { databaseHealthCheck } from "./health";
import type { HostMetrics } from "./metrics";
import { workerName } from "./task-kinds";

export interface ServerDeps {
  services: ApiServices;
  db: DbHandle;
  /** What /readyz reports on. */
  healthChecks: HealthCheck[];
  /** Closes everything this built, in reverse order. Call after the last request. */
  close(): Promise<void>;
}

export interface BuildDepsOptions {
  log: Logger;
  metrics: HostMetrics;
  /** Signs sessions (see auth-secret.ts). */
  authSecret: string;
  /** An open, migrated database to use instead of opening one from env. Left open by `close()`. */
  db?: DbHandle | undefined;
  /** Migrations shipped next to the bundled server; the db package's own folder otherwise. */
  migrationsFolder?: string | undefined;
  /** The card render worker built next to the bundled server; the core package's source otherwise. */
  renderWorkerFile?: string | undefined;
  /** The cutout inference worker built next to the bundled server; the core package's source otherwise. */
  cutoutWorkerFile?: string | undefined;
}

/**
 * The composition root: every adapter is built here, once, and closed on shutdown. If a step
 * fails, whatever was already opened is closed before the error propagates.
 */
export async function buildDeps(env: Env, options: BuildDepsOptions): Promise<ServerDeps> {
  const { log, metrics } = options;
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
    let db = options.db;
    if (!db) {
      const opened = await createDb({
        databaseUrl: env.DATABASE_URL,
        maxConnections: env.DATABASE_POOL_MAX,
        pgliteDir: path.join(env.DATA_DIR, "pglite"),
        migrationsFolder: options.migrationsFolder,
      });
      closers.push(() => opened.close());
      await opened.migrate();
      db = opened;
    }

    const policies: Record<string, RateLimitPolicy> = {
      api: { points: env.RATE_LIMIT_API_PER_MINUTE, durationSec: 60 },
      generate: { points: env.RATE_LIMIT_GENERATE_PER_MINUTE, durationSec: 60 },
      images: { points: env.RATE_LIMIT_IMAGES_PER_MINUTE, durationSec: 60 },
      uploads: { points: env.RATE_LIMIT_UPLOADS_PER_MINUTE, durationSec: 60 },
      cutout: { points: env.RATE_LIMIT_CUTOUT_PER_MINUTE, durationSec: 60 },
      aiChat: { points: env.RATE_LIMIT_CHAT_PER_MINUTE, durationSec: 60 },
      ...authRateLimitPolicies,
      ...(env.imageProvider && {
        [IMAGE_PROVIDER_RATE_POLICY]: imageProviderRatePolicy(env.imageProvider.qps),
      }),
    };
    // Redis when REDIS_URL is set (shared by every process, degrading to in-process on outages).
    const shared = await createAdapters({
      redisUrl: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      policies,
      log,
      onStateChange: (up) => metrics.redisStateChanged(up),
      onFallback: (component) => metrics.redisFallback(component),
    });
    closers.push(() => shared.close());

    const healthChecks: HealthCheck[] = [databaseHealthCheck(db), ...shared.healthChecks];

    const trustedOrigins = [...new Set([new URL(env.PUBLIC_URL).origin, ...env.CORS_ORIGINS])];
    const core = {
      db: db.db,
      cache: shared.cache,
      rateLimiter: shared.rateLimiter,
      pubsub: shared.pubsub,
      log,
      clock: systemClock,
    };
    const auth = createAuth(core, {
      secret: options.authSecret,
      baseURL: env.PUBLIC_URL,
      trustedOrigins,
    });

    // Card renders run in worker threads; their fonts load once per thread, at start.
    const renderer = createCardRenderer({
      worker: options.renderWorkerFile
        ? workerScript(options.renderWorkerFile)
        : sourceRenderWorker(),
      threads: env.RENDER_THREADS,
      maxQueue: env.RENDER_QUEUE,
      avifThreads: env.RENDER_AVIF_THREADS,
      timeoutMs: env.RENDER_TIMEOUT_MS,
      metrics: metrics.generate,
      log,
    });
    closers.push(() => renderer.close());
    // Rendered cards and uploaded images share one blob store.
    const blobs = new DiskBlobStorage(env.BLOB_DIR);
    // Repeat requests for a card are answered from memory; changes reach every process.
    const recent = await createRecentCards({ pubsub: shared.pubsub, log });
    closers.push(() => recent.close());
    const generate: GenerateDeps = {
      ...core,
      blobs,
      renderer,
      metrics: metrics.generate,
      recent,
    };

    const uploads: UploadDeps = {
      ...core,
      blobs,
      limits: { ...DEFAULT_UPLOAD_LIMITS, maxBytes: env.UPLOAD_MAX_BYTES },
    };

    // Background removal: models assembled (first start) and checked here, loaded on first use.
    const cutout = await setUpCutout({
      env,
      defaultModelDir: path.join(env.DATA_DIR, "models"),
      deps: core,
      blobs,
      worker: options.cutoutWorkerFile ? workerScript(options.cutoutWorkerFile) : undefined,
      metrics: metrics.cutout,
    });
    closers.push(() => cutout.close());
    healthChecks.push(cutout.healthCheck);

    // Durable runs. Without Redis the database is the queue (the in-process runner); with
    // REDIS_URL tasks become BullMQ jobs that any worker (apps/worker) takes. Either way this
    // process runs handlers too unless RUN_WORKERS=false.
    const tasks: TasksConfig = {
      kinds: builtInTaskKinds({
        generate,
        storage: blobs,
        imageProvider: buildImageProvider(env, shared.rateLimiter, log),
        cutout: cutout.services,
      }),
      storage: blobs,
      queue: { enqueue: () => Promise.resolve() },
    };
    const runner = env.REDIS_URL
      ? createBullmqRunner(
          { ...core, tasks },
          {
            workerId: workerName(),
            redisUrl: env.REDIS_URL,
            keyPrefix: env.REDIS_KEY_PREFIX,
            runHandlers: env.RUN_WORKERS,
          },
        )
      : createInProcessRunner(
          { ...core, tasks },
          { workerId: workerName(), runHandlers: env.RUN_WORKERS },
        );
    tasks.queue = runner.queue;
    await runner.start();
    closers.push(() => runner.stop());

    // The assistant: replies stream from this process; a stop reaches it from any process.
    const aiChat = await buildAiChat(env, core, log);
    closers.push(aiChat.close);

    const services: ApiServices = {
      ...core,
      config: {
        debug: env.DEBUG,
        trustedOrigins,
        production: env.NODE_ENV === "production",
        publicUrl: env.PUBLIC_URL,
      },
      metrics: metrics.api,
      auth,
      authenticate: auth.authenticate,
      generate,
      uploads,
      tasks,
      cutout: cutout.services,
      aiChat: aiChat.services,
    };
    closers.push(scheduleEventRetention(core, log));
    if (db.driver === "pglite") closers.push(scheduleVacuum(db, log));
    closers.push(
      scheduleTaskRetention({ ...core, tasks }, log, {
        retentionDays: env.TASK_RETENTION_DAYS,
        storageMaxBytes:
          env.STORAGE_MAX_GB === undefined ? undefined : Math.round(env.STORAGE_MAX_GB * 1024 ** 3),
      }),
    );
    closers.push(scheduleFileSweep({ ...core, blobs }, log));
    return { services, db, healthChecks, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The text-to-image client when IMAGE_PROVIDER is set, held to IMAGE_PROVIDER_QPS requests per
 * second across every process sharing the rate limiter (Redis when configured).
 */
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

/** Replies whose process has not written for this long are marked interrupted. */
const REPLY_STALE_AFTER_MS = 30_000;
const REPLY_SWEEP_INTERVAL_MS = 10_000;

/**
 * The assistant's providers (AI_PROVIDERS) and this process's reply runner, with a sweep that marks
 * replies left streaming by a process that died as interrupted. Closing marks this process's
 * running replies interrupted (their text kept; "continue" resumes them).
 */
async function buildAiChat(
  env: Env,
  core: Parameters<typeof createReplyRunner>[0],
  log: Logger,
): Promise<{ services: AiChatServices; close: () => Promise<void> }> {
  // A GGUF model run in this process (node-llama-cpp, CPU only), loaded on its first reply.
  const local = env.AI_LOCAL_MODEL
    ? [
        localLlamaProvider({
          modelPath: path.resolve(env.AI_LOCAL_MODEL),
          threads: env.AI_LOCAL_THREADS ?? Math.max(1, Math.floor(availableParallelism() / 2)),
          contextSize: env.AI_LOCAL_CONTEXT,
          log,
        }),
      ]
    : [];
  const providers = buildChatProviders(env.chatProviders, local);
  const replies = await createReplyRunner(core, { workerId: workerName() });
  const sweep = () =>
    recoverStaleReplies(core, { staleAfterMs: REPLY_STALE_AFTER_MS }).then(
      (ids) => {
        if (ids.length > 0) log.warn({ replies: ids.length }, "marked stale replies interrupted");
      },
      (error: unknown) => log.error({ err: error }, "reply sweep failed"),
    );
  void sweep();
  const timer = setInterval(() => void sweep(), REPLY_SWEEP_INTERVAL_MS);
  timer.unref();
  const configured = providers.list();
  if (configured.length > 0) {
    log.info(
      { providers: configured.map((p) => p.id), default: providers.defaultModel() },
      "AI providers ready",
    );
  }
  return {
    services: {
      providers,
      replies,
      limits: {
        ...DEFAULT_AI_CHAT_LIMITS,
        dailyTokensPerUser: env.AI_DAILY_TOKENS_PER_USER,
        maxMessageChars: env.AI_MAX_MESSAGE_CHARS,
      },
    },
    close: async () => {
      clearInterval(timer);
      await replies.close();
      await providers.close();
    },
  };
}

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** How often the embedded database is checked for tables to vacuum (autovacuum's naptime is 1 min). */
const VACUUM_INTERVAL_MS = 5 * 60 * 1000;
/** How often the blob store is swept for files nothing refers to. */
const FILE_SWEEP_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * The embedded database's autovacuum: every few minutes, the tables Postgres's autovacuum would
 * vacuum or analyze are (see `DbHandle.vacuum`).
 */
function scheduleVacuum(db: DbHandle, log: Logger): () => Promise<void> {
  return scheduleRepeating(VACUUM_INTERVAL_MS, () =>
    db
      .vacuum()
      .then(({ vacuumed, analyzed }) => {
        if (vacuumed.length + analyzed.length > 0) log.debug({ vacuumed, analyzed }, "vacuumed");
      })
      .catch((error: unknown) => log.warn({ err: error }, "vacuum failed")),
  );
}

/** Runs `job` a minute after start-up and then hourly, one run at a time; returns its stopper. */
function scheduleHourly(job: () => Promise<void>): () => Promise<void> {
  return scheduleRepeating(RETENTION_INTERVAL_MS, job);
}

/**
 * Runs `job` a minute after start-up (or after `everyMs`, when sooner) and then every `everyMs`,
 * one run at a time; returns its stopper, which waits for a run under way.
 */
function scheduleRepeating(everyMs: number, job: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= job().finally(() => {
      running = undefined;
    });
  };
  const first = setTimeout(run, Math.min(60_000, everyMs)).unref();
  const every = setInterval(run, everyMs).unref();
  return async () => {
    clearTimeout(first);
    clearInterval(every);
    await running;
  };
}

/**
 * Removes finished tasks past `TASK_RETENTION_DAYS`, and the oldest while their files take more
 * than `STORAGE_MAX_GB`, hourly. Idempotent, so several processes may all run it.
 */
function scheduleTaskRetention(
  deps: Parameters<typeof pruneTasks>[0],
  log: Logger,
  options: Parameters<typeof pruneTasks>[1],
): () => Promise<void> {
  return scheduleHourly(() =>
    pruneTasks(deps, options)
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, "task retention run failed")),
  );
}

/**
 * Removes files nothing refers to (see `sweepUnreferencedFiles`) a minute after start-up and then
 * daily: it reads the whole blob store, so less often than retention. Idempotent, so several
 * processes may all run it.
 */
function scheduleFileSweep(
  deps: Parameters<typeof sweepUnreferencedFiles>[0],
  log: Logger,
): () => Promise<void> {
  return scheduleRepeating(FILE_SWEEP_INTERVAL_MS, () =>
    sweepUnreferencedFiles(deps)
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, "file sweep failed")),
  );
}

/**
 * Prunes old user events (older than 7 days, or beyond each user's newest 1,000) once an hour,
 * starting a minute after start-up. Idempotent, so several server processes may all run it.
 */
function scheduleEventRetention(
  deps: Parameters<typeof pruneUserEvents>[0],
  log: Logger,
): () => Promise<void> {
  return scheduleHourly(() =>
    pruneUserEvents(deps, {})
      .then(({ expired, overflow }) => {
        if (expired + overflow > 0) log.info({ expired, overflow }, "pruned old user events");
      })
      .catch((error: unknown) => log.warn({ err: error }, "event retention run failed")),
  );
}
