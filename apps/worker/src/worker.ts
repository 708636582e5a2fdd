import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { configureValidationMessages } from "@genflow/core";
import type { Logger } from "pino";

import { buildWorkerDeps, type BuildWorkerDepsOptions, type WorkerDeps } from "./deps";
import type { Env } from "./env";
import { startHealthServer, type HealthServer } from "./health";
import { createLogger } from "./logger";
import { workerName } from "./names";

export interface CreateWorkerOptions {
  /** The logger; one writing JSON lines to stdout by default. */
  log?: Logger;
  /** The kinds to run (see {@link BuildWorkerDepsOptions.kinds}); the built-in ones by default. */
  kinds?: BuildWorkerDepsOptions["kinds"];
}

export interface GenFlowWorker {
  log: Logger;
  workerId: string;
  deps: WorkerDeps;
  /** Reconciles the queues with the database and starts taking jobs (and the health listener). */
  start(): Promise<{ healthPort: number | undefined }>;
  /**
   * Graceful shutdown: stop taking jobs, abort running attempts (each goes back to the queue
   * without using up an attempt), then close Redis, the render threads and the database. Safe to
   * call more than once.
   */
  close(): Promise<void>;
}

/** Files copied next to the bundled worker (dist/); absent when running from source. */
function bundled(name: string): string | undefined {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(file) ? file : undefined;
}

/** Builds the whole worker host (logger, adapters, runner) without starting it. */
export async function createWorker(
  env: Env,
  options: CreateWorkerOptions = {},
): Promise<GenFlowWorker> {
  const log = options.log ?? createLogger(env);
  // A task's validation errors read as the server's do ("Required", not zod's type talk).
  configureValidationMessages();
  const workerId = workerName();
  const deps = await buildWorkerDeps(env, {
    log,
    workerId,
    migrationsFolder: bundled("migrations"),
    renderWorkerFile: bundled("render-worker.js"),
    cutoutWorkerFile: bundled("cutout-worker.js"),
    kinds: options.kinds,
  });
  let health: HealthServer | undefined;
  let draining = false;
  let closing: Promise<void> | undefined;
  return {
    log,
    workerId,
    deps,
    async start() {
      await deps.runner.start();
      if (env.WORKER_HEALTH_PORT !== undefined) {
        health = await startHealthServer({
          port: env.WORKER_HEALTH_PORT,
          host: env.WORKER_HEALTH_HOST,
          checks: deps.healthChecks,
          draining: () => draining,
        });
      }
      log.info(
        { workerId, kinds: [...deps.kinds.keys()], healthPort: health?.port },
        "GenFlow worker running",
      );
      return { healthPort: health?.port };
    },
    close() {
      closing ??= (async () => {
        draining = true;
        await deps.close();
        await health?.close();
        log.info({ workerId }, "GenFlow worker stopped");
      })();
      return closing;
    },
  };
}
