import type { ComponentHealth, HealthCheck } from "@genflow/core/ports";
import type { DbHandle } from "@genflow/db";
import { Router } from "express";

/** How long one component may take to answer the readiness probe before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

/** The database answers a round trip. Required: without it nothing works. */
export function databaseHealthCheck(db: Pick<DbHandle, "ping">): HealthCheck {
  return {
    name: "database",
    required: true,
    async check() {
      const started = performance.now();
      await db.ping();
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    },
  };
}

async function runCheck(check: HealthCheck): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      check.check().catch((): ComponentHealth => ({ ok: false, detail: "check failed" })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export type ReadinessStatus = "ok" | "degraded" | "unavailable" | "draining";

export interface Readiness {
  status: ReadinessStatus;
  components: Record<string, ComponentHealth>;
}

/** Runs every check in parallel. Unavailable when a required component is down. */
export async function readiness(checks: readonly HealthCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (check) => [check, await runCheck(check)] as const),
  );
  const components: Record<string, ComponentHealth> = {};
  let status: ReadinessStatus = "ok";
  for (const [check, result] of results) {
    components[check.name] = result;
    if (!result.ok) {
      if (check.required) status = "unavailable";
      else if (status === "ok") status = "degraded";
    }
  }
  return { status, components };
}

export interface HealthRoutesOptions {
  checks: readonly HealthCheck[];
  /** True once shutdown has begun: the instance should get no new traffic. */
  draining: () => boolean;
}

/**
 * `/healthz`: the process is alive (no I/O). `/readyz`: every required component answers; 503
 * otherwise, and while the server drains for shutdown.
 */
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const result = await readiness(options.checks);
    if (options.draining()) result.status = "draining";
    res.setHeader("Cache-Control", "no-store");
    res
      .status(result.status === "unavailable" || result.status === "draining" ? 503 : 200)
      .json(result);
  });
  return router;
}
